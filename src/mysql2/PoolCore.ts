import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import type { Clock } from '../internal/Clock.js';
import { createInstrumentation } from '../telemetry/createInstrumentation.js';
import type { Instrumentation } from '../telemetry/Instrumentation.js';
import type { PoolMetrics } from '../telemetry/poolMetrics.js';
import { registerPoolMetrics } from '../telemetry/poolMetrics.js';
import { CheckoutPermits } from './CheckoutPermits.js';
import {
  type DatabasePoolMetrics,
  type PoolCounters,
  emptyCounters,
} from './DatabasePoolMetrics.js';
import type { DriverConnection, MysqlDriver } from './driver.js';
import type { Lease, LeasePermit, PassedOn } from './Lease.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { openGeneration } from './openGeneration.js';
import { passOn } from './passOn.js';
import { PoolGeneration } from './PoolGeneration.js';
import { type CheckoutHost, Checkouts } from './Checkouts.js';
import { StatementWatchdog } from './StatementWatchdog.js';

/**
 * The machinery behind a DatabasePool: the ConnectionManager whose connection is the current
 * mysql2 pool (a PoolGeneration), the checkout queue, the counters, and `checkout()` itself.
 */
export class PoolCore implements CheckoutHost {
  readonly config: ResolvedPoolConfig;
  readonly manager: ConnectionManager<PoolGeneration>;
  readonly counters: PoolCounters = emptyCounters();
  readonly permits: CheckoutPermits<PassedOn>;
  readonly leases = new Set<Lease>();
  readonly generations = new Set<PoolGeneration>();
  readonly watchdog: StatementWatchdog;
  readonly #driver: MysqlDriver;
  readonly #poolMetrics: PoolMetrics | undefined;
  readonly #drained = new Set<() => void>();
  /** Spans, metrics and log lines of statements and transactions. */
  readonly instrumentation: Instrumentation;
  readonly #checkouts: Checkouts;
  #lastConnectError: unknown;
  #closedError: Error | undefined;
  #connectedOnce = false;

  constructor(config: ResolvedPoolConfig, driver: MysqlDriver) {
    this.config = config;
    this.#driver = driver;
    this.permits = new CheckoutPermits(config.connectionLimit, config.clock);
    this.#checkouts = new Checkouts(this);
    // Statements (and validation pings, bounded by the smaller of the two) end within 1.25x.
    this.watchdog = new StatementWatchdog(
      config.clock,
      Math.min(config.queryTimeoutMs, config.checkoutTimeoutMs) / 4,
    );
    const { name: _name, ...target } = config.target;
    this.manager = new ConnectionManager<PoolGeneration>({
      name: config.name,
      connect: (signal) => this.#openGeneration(signal),
      disconnect: (generation) => {
        generation.retire();
      },
      retryDefaults: config.retry,
      classifier: config.classifier,
      target,
      connectTimeoutMs: config.connectTimeoutMs,
      clock: config.clock,
      random: config.random,
      ...config.telemetry,
      ...(config.circuitBreaker === undefined ? {} : { circuitBreaker: config.circuitBreaker }),
      ...(config.budget === undefined ? {} : { budget: config.budget }),
    });
    this.instrumentation = createInstrumentation(config.target, {
      ...config.telemetry,
      clock: config.clock,
    });
    this.#poolMetrics = registerPoolMetrics(
      config.telemetry.meter,
      config.name,
      () => this.metrics(),
      config.target,
    );
  }

  lastConnectError(): unknown {
    return this.#lastConnectError;
  }

  get clock(): Clock {
    return this.config.clock;
  }

  get classifier(): ErrorClassifier {
    return this.config.classifier;
  }

  get queryTimeoutMs(): number {
    return this.config.queryTimeoutMs;
  }

  passOn(generation: PoolGeneration, connection: DriverConnection, permit: LeasePermit): boolean {
    return passOn(this, generation, connection, permit);
  }

  returned(lease: Lease, usedMs: number): void {
    this.leases.delete(lease);
    this.#poolMetrics?.recordUseTime(usedMs);
    if (this.leases.size === 0) for (const resolve of this.#drained) resolve();
  }

  /** Resolves when no connection is checked out, or after `timeoutMs`. */
  whenDrained(timeoutMs: number): Promise<void> {
    if (this.leases.size === 0) return Promise.resolve();
    const { clock } = this.config;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clock.clearTimeout(timer);
        this.#drained.delete(done);
        resolve();
      };
      const timer = clock.setTimeout(done, timeoutMs);
      this.#drained.add(done);
    });
  }

  timedOut(): void {
    this.counters.queryTimeouts += 1;
  }

  metrics(): DatabasePoolMetrics {
    let size = 0;
    let idle = 0;
    for (const generation of this.generations) {
      size += generation.size;
      if (!generation.retired) idle += generation.idle;
    }
    return {
      ...this.counters,
      size,
      idle,
      used: this.leases.size,
      max: this.config.connectionLimit,
    };
  }

  /**
   * A connection for the caller, within `checkoutTimeoutMs` (see Checkouts).
   *
   * @throws {PoolCheckoutError} the deadline passed or the queue is full; `reason` says why
   * @throws {ClosedError} the pool was closed
   * @throws {AbortedError} the caller's signal fired
   * @throws the fatal connect error itself (e.g. access denied), after one attempt
   */
  checkout(signal?: AbortSignal): Promise<Lease> {
    return this.#checkouts.checkout(signal);
  }

  closedError(): Error | undefined {
    return this.#closedError;
  }

  /** Refuses new checkouts and fails those under way with `error` (the pool is closing). */
  shutdown(error: Error): void {
    this.#closedError ??= error;
    this.#checkouts.cancelAll(error);
  }

  noteConnectError(error: unknown): void {
    this.#lastConnectError = error;
  }

  recordWait(ms: number): void {
    this.#poolMetrics?.recordWaitTime(ms);
  }

  recordTimeout(): void {
    this.#poolMetrics?.recordTimeout();
  }

  /** Ends every generation: gracefully within `graceMs`, then by force. */
  async endAll(graceMs: number): Promise<void> {
    await Promise.all([...this.generations].map((generation) => generation.end(graceMs)));
    this.watchdog.dispose();
    this.#poolMetrics?.unregister();
    this.instrumentation.close?.();
  }

  async #openGeneration(signal: AbortSignal): Promise<PoolGeneration> {
    const generation = new PoolGeneration(
      this.#driver,
      this.config.driverOptions,
      this.config.clock,
      this.counters,
      { connectionOpened: (ms) => this.#poolMetrics?.recordCreateTime(ms) },
    );
    this.generations.add(generation);
    void generation.whenEnded.then(() => this.generations.delete(generation));
    try {
      await openGeneration(generation, signal);
    } catch (error) {
      this.#lastConnectError = error;
      throw error;
    }
    if (this.#connectedOnce) this.counters.reconnects += 1;
    this.#connectedOnce = true;
    return generation;
  }
}
