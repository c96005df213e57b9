import { type Attributes, trace } from '@opentelemetry/api';
import { type Clock, systemClock } from '../internal/Clock.js';
import { defaultLogger } from './defaultLogger.js';
import type {
  CircuitStatus,
  Instrumentation,
  OperationKind,
  SharedComponent,
} from './Instrumentation.js';
import { InstrumentedOperation, type TargetTelemetry } from './InstrumentedOperation.js';
import { TargetMetrics, meterSource } from './metrics.js';
import { holdfastAttributes, instrumentationScope } from './names.js';
import { packageVersion } from './packageVersion.js';
import { type PoolMetrics, type PoolSnapshot, registerPoolMetrics } from './poolMetrics.js';
import { describeError, redact } from './redact.js';
import { safeLogger } from './safeLogger.js';
import { dbSystemNames, semconvAttributes } from './semconv.js';
import type { TargetDescription, TelemetryOptions } from './TelemetryOptions.js';

/** Options of `createInstrumentation`. */
export interface InstrumentationOptions extends TelemetryOptions {
  /** Timestamps of spans and events and the connect-duration metric. @default the system clock */
  readonly clock?: Clock;
}

/**
 * Builds the Instrumentation of one target: a span per operation with a child span per attempt,
 * the `holdfast.*` metrics, and the reference design's log lines (INFO `Attempting to connect to
 * mysql-main`, INFO `Successfully connected to mysql-main`, ERROR `Failed to connect to
 * mysql-main after 3 retries: <message>`, WARN per retry). Everything it emits is redacted.
 *
 * @param target the target's name and the attributes of its spans
 * @param options tracer (default: the global `holdfast` tracer), meter (default: the global
 *   `holdfast` meter, looked up at each use), logger (default: `defaultLogger()`)
 * @throws {ConfigurationError} no logger is given and HOLDFAST_LOG_LEVEL holds an unknown level
 * @example
 * const instrumentation = createInstrumentation(
 *   { name: 'mysql-main', system: 'mysql', address: 'db', port: 3306 },
 *   { logger: pinoLogger(pino()) },
 * );
 * const handler = new RetryHandler({ name: 'mysql-main', instrumentation });
 */
export function createInstrumentation(
  target: TargetDescription,
  options: InstrumentationOptions = {},
): Instrumentation {
  return new TargetInstrumentation(target, options);
}

class TargetInstrumentation implements Instrumentation {
  readonly #t: TargetTelemetry;
  readonly #target: TargetDescription;
  readonly #options: InstrumentationOptions;
  readonly #stops = new Set<() => void>();

  constructor(target: TargetDescription, options: InstrumentationOptions) {
    const name = redact(target.name);
    let attributes: Attributes | undefined;
    this.#target = target;
    this.#options = options;
    this.#t = {
      name,
      tracer: options.tracer ?? trace.getTracer(instrumentationScope, packageVersion),
      metrics: new TargetMetrics(name, meterSource(options.meter)),
      log: safeLogger(options.logger ?? defaultLogger()),
      clock: options.clock ?? systemClock,
      attributes: () => (attributes ??= targetAttributes(name, target)),
    };
  }

  operation(kind: OperationKind, description: string, startTimeMs?: number): InstrumentedOperation {
    return new InstrumentedOperation(this.#t, kind, description, startTimeMs);
  }

  stateChanged(status: string, previous: string): void {
    this.#t.metrics.stateChanged(status);
    if (!this.#t.log.isLevelEnabled('debug')) return;
    this.#t.log.debug(`${this.#t.name}: ${previous} -> ${status}`, {
      target: this.#t.name,
      status,
      previous,
    });
  }

  circuitChanged(status: CircuitStatus, previous: CircuitStatus | undefined): void {
    this.#t.metrics.circuitChanged(status);
    const fields = { target: this.#t.name, status, previous };
    if (status === 'open' || status === 'isolated') {
      this.#t.log.warn(`Circuit breaker for ${this.#t.name} is ${status}`, fields);
    } else if (previous !== undefined) {
      this.#t.log.info(`Circuit breaker for ${this.#t.name} is ${status}`, fields);
    }
  }

  sharedStoreChanged(
    component: SharedComponent,
    operation: string | undefined,
    error?: unknown,
  ): void {
    const fields = {
      target: this.#t.name,
      component,
      ...(operation === undefined ? {} : { operation }),
    };
    if (error === undefined) {
      this.#t.log.info(`The shared ${component} store of ${this.#t.name} answers again`, fields);
      return;
    }
    this.#t.log.warn(
      `The shared ${component} store of ${this.#t.name} failed (${operation ?? 'operation'}): ${describeError(error)}; going on with this process's own state until it answers`,
      fields,
    );
  }

  observeBudget(tokens: () => number): () => void {
    return this.#track(this.#t.metrics.observeBudget(tokens));
  }

  observePool(poolName: string, snapshot: () => PoolSnapshot): PoolMetrics {
    const pool = registerPoolMetrics(this.#options.meter, poolName, snapshot, this.#target);
    const stop = this.#track(() => {
      pool.unregister();
    });
    return { ...pool, unregister: stop };
  }

  close(): void {
    this.#t.metrics.stateChanged('closed');
    this.#t.metrics.circuitRemoved();
    for (const stop of [...this.#stops]) stop();
  }

  #track(stop: () => void): () => void {
    const tracked = (): void => {
      if (!this.#stops.delete(tracked)) return;
      stop();
    };
    this.#stops.add(tracked);
    return tracked;
  }
}

function targetAttributes(name: string, target: TargetDescription): Attributes {
  const attributes: Attributes = { [holdfastAttributes.target]: name };
  if (target.system === 'mysql' || target.system === 'redis') {
    attributes[semconvAttributes.dbSystemName] = dbSystemNames[target.system];
  }
  if (target.address !== undefined) {
    attributes[semconvAttributes.serverAddress] = redact(target.address);
  }
  if (target.port !== undefined) attributes[semconvAttributes.serverPort] = target.port;
  if (target.namespace !== undefined) {
    attributes[semconvAttributes.dbNamespace] = redact(target.namespace);
  }
  return attributes;
}
