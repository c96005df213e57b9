import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type ObservableGauge,
  type UpDownCounter,
  metrics,
} from '@opentelemetry/api';
import { safeInvoke } from '../internal/safeInvoke.js';
import type { Classification } from '../classify/Classification.js';
import { errorType } from './errorAttributes.js';
import {
  type CircuitStatus,
  type OperationKind,
  connectDurationBuckets,
  holdfastAttributes as attr,
  instrumentationScope,
  metricDefinitions as defs,
  type Outcome,
} from './names.js';
import { packageVersion } from './packageVersion.js';
import { semconvAttributes } from './semconv.js';

/** Holdfast's instruments on one Meter (created once per Meter). */
interface HoldfastInstruments {
  readonly attempts: Counter;
  readonly retries: Counter;
  readonly connectDuration: Histogram;
  readonly connectionState: UpDownCounter;
  readonly circuitState: UpDownCounter;
  readonly budgetTokens: GaugeSources;
}

const cache = new WeakMap<Meter, HoldfastInstruments>();

/**
 * Where a component's meter comes from. Without an explicit meter the global one is looked up at
 * each use: the metrics API has no proxy, so a meter taken before the SDK started would stay a
 * no-op forever.
 */
export function meterSource(meter: Meter | undefined): () => Meter {
  return meter === undefined
    ? () => metrics.getMeter(instrumentationScope, packageVersion)
    : () => meter;
}

function instrumentsOf(meter: Meter): HoldfastInstruments {
  let instruments = cache.get(meter);
  if (instruments === undefined) {
    instruments = {
      attempts: meter.createCounter(defs.attempts.name, describe(defs.attempts)),
      retries: meter.createCounter(defs.retries.name, describe(defs.retries)),
      connectDuration: meter.createHistogram(defs.connectDuration.name, {
        ...describe(defs.connectDuration),
        advice: { explicitBucketBoundaries: [...connectDurationBuckets] },
      }),
      connectionState: meter.createUpDownCounter(
        defs.connectionState.name,
        describe(defs.connectionState),
      ),
      circuitState: meter.createUpDownCounter(defs.circuitState.name, describe(defs.circuitState)),
      budgetTokens: new GaugeSources(
        meter.createObservableGauge(defs.budgetTokens.name, describe(defs.budgetTokens)),
      ),
    };
    cache.set(meter, instruments);
  }
  return instruments;
}

export function describe(def: { unit: string; description: string }): {
  unit: string;
  description: string;
} {
  return { unit: def.unit, description: def.description };
}

/** Observations of one observable gauge, gathered from many sources. */
class GaugeSources {
  readonly #sources = new Set<{ attributes: Attributes; read: () => number }>();

  constructor(gauge: ObservableGauge) {
    gauge.addCallback((result) => {
      for (const source of this.#sources) {
        const value = safeInvoke(source.read);
        if (typeof value === 'number' && Number.isFinite(value)) {
          result.observe(value, source.attributes);
        }
      }
    });
  }

  add(attributes: Attributes, read: () => number): () => void {
    const source = { attributes, read };
    this.#sources.add(source);
    return () => {
      this.#sources.delete(source);
    };
  }
}

/**
 * The metrics of one target: attempts by outcome, retries, connect duration, and the
 * current-state counters. Every attribute value is bounded (target, operation kind, outcome,
 * classification kind, error code).
 */
export class TargetMetrics {
  readonly #meter: () => Meter;
  readonly #target: string;
  #state: { readonly counter: UpDownCounter; readonly status: string } | undefined;
  #circuit: { readonly counter: UpDownCounter; readonly status: CircuitStatus } | undefined;

  constructor(target: string, meter: () => Meter) {
    this.#target = target;
    this.#meter = meter;
  }

  attempt(
    kind: OperationKind,
    outcome: Outcome,
    error?: unknown,
    classification?: Classification,
  ): void {
    const attributes: Attributes = {
      [attr.target]: this.#target,
      [attr.operation]: kind,
      [attr.outcome]: outcome,
    };
    if (outcome === 'failure') {
      attributes[semconvAttributes.errorType] = errorType(error);
      if (classification !== undefined) attributes[attr.errorKind] = classification.kind;
    }
    instrumentsOf(this.#meter()).attempts.add(1, attributes);
  }

  retry(kind: OperationKind, error: unknown): void {
    instrumentsOf(this.#meter()).retries.add(1, {
      [attr.target]: this.#target,
      [attr.operation]: kind,
      [semconvAttributes.errorType]: errorType(error),
    });
  }

  connectDuration(seconds: number, outcome: Outcome, error?: unknown): void {
    const attributes: Attributes = { [attr.target]: this.#target, [attr.outcome]: outcome };
    if (outcome === 'failure') attributes[semconvAttributes.errorType] = errorType(error);
    instrumentsOf(this.#meter()).connectDuration.record(Math.max(0, seconds), attributes);
  }

  /** Moves this component's count from its previous state to `status`; `closed` counts nowhere. */
  stateChanged(status: string): void {
    if (this.#state !== undefined) {
      this.#state.counter.add(-1, this.#stateAttributes(this.#state.status));
      this.#state = undefined;
    }
    if (status === 'closed') return;
    const counter = instrumentsOf(this.#meter()).connectionState;
    counter.add(1, this.#stateAttributes(status));
    this.#state = { counter, status };
  }

  circuitChanged(status: CircuitStatus): void {
    if (this.#circuit !== undefined) {
      this.#circuit.counter.add(-1, this.#circuitAttributes(this.#circuit.status));
    }
    const counter = instrumentsOf(this.#meter()).circuitState;
    counter.add(1, this.#circuitAttributes(status));
    this.#circuit = { counter, status };
  }

  /** Stops counting this component in the circuit-state metric (its breaker is gone). */
  circuitRemoved(): void {
    if (this.#circuit === undefined) return;
    this.#circuit.counter.add(-1, this.#circuitAttributes(this.#circuit.status));
    this.#circuit = undefined;
  }

  observeBudget(tokens: () => number): () => void {
    return instrumentsOf(this.#meter()).budgetTokens.add({ [attr.target]: this.#target }, tokens);
  }

  #stateAttributes(status: string): Attributes {
    return { [attr.target]: this.#target, [attr.connectionState]: status };
  }

  #circuitAttributes(status: CircuitStatus): Attributes {
    return { [attr.target]: this.#target, [attr.circuitState]: status };
  }
}
