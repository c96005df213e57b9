// Every span, event, attribute and metric name holdfast emits, with units, in one place
// (STYLE.md: names in one file). The OpenTelemetry-defined attribute keys are in semconv.ts.
// docs/guides/observability.md documents each entry; change both together.

/** The kind of a logical operation: the first word of its span name. */
export type OperationKind = 'connect' | 'execute' | 'checkout' | 'transaction' | 'verify';

/**
 * A circuit breaker's status as telemetry reports it (`holdfast.circuit.state`); `isolated` is
 * held open by hand or by a shared store.
 */
export type CircuitStatus = 'closed' | 'open' | 'half-open' | 'isolated';

/** The instrumentation scope of holdfast's tracer and meter. */
export const instrumentationScope = 'holdfast';

/** `connect mysql-main`, `execute fetch users`, `checkout myapp_pool`. */
export function operationSpanName(kind: OperationKind, description: string): string {
  return `${kind} ${description}`;
}

/** `connect mysql-main attempt 2`: the operation's name and the attempt number (1, 2, ...). */
export function attemptSpanName(operationName: string, attempt: number): string {
  return `${operationName} attempt ${attempt}`;
}

/** Attribute keys holdfast defines (all values have bounded cardinality). */
export const holdfastAttributes = {
  /** The target's name (`mysql-main`, `redis-cache`); on every span and metric. */
  target: 'holdfast.target',
  /** The operation kind: `connect` | `execute` | `checkout` | `transaction` | `verify`. */
  operation: 'holdfast.operation',
  /** The attempt number of an attempt span (1 for the first). */
  attempt: 'holdfast.attempt',
  /** On the operation span when it ends: how many attempts it made. */
  attemptCount: 'holdfast.attempt.count',
  /** On a `retry.scheduled` event: the number of the retry about to wait (1 for the first). */
  retry: 'holdfast.retry',
  /** On a `retry.scheduled` event and on attempt spans after a wait: the wait, ms. */
  retryDelayMs: 'holdfast.retry.delay_ms',
  /** On `holdfast.attempts` and `holdfast.connect.duration`: `success` | `failure`. */
  outcome: 'holdfast.outcome',
  /** The classification of a failed attempt: `transient` | `throttled` | `fatal`. */
  errorKind: 'holdfast.error.kind',
  /** The classifier's reason for that verdict (spans only, never on metrics). */
  errorReason: 'holdfast.error.reason',
  /** On a `callback.failed` event: the hook that threw, `circuitBreaker` | `budget`. */
  callback: 'holdfast.callback',
  /** On `holdfast.connection.state`: `idle` | `connecting` | `retrying` | `connected` | `failed`. */
  connectionState: 'holdfast.connection.state',
  /** On `holdfast.circuit.state`: `closed` | `open` | `half-open` | `isolated`. */
  circuitState: 'holdfast.circuit.state',
  /** On `probe.*` events: how many probes the wait made, the last one included. */
  probeCount: 'holdfast.probe.count',
  /** On `cycle.restarted`: calls still waiting within their wait limit. */
  waitingCalls: 'holdfast.waiting_calls',
} as const;

/** Values of `holdfast.outcome`. */
export type Outcome = 'success' | 'failure';

/** Span events on the operation span. */
export const spanEventNames = {
  /** A retry was scheduled; added before the wait. */
  retryScheduled: 'retry.scheduled',
  circuitOpened: 'circuit.opened',
  circuitHalfOpened: 'circuit.half_opened',
  circuitClosed: 'circuit.closed',
  /** The retry budget refused a retry: the operation ends with its last error. */
  budgetExhausted: 'budget.exhausted',
  /** A breaker or budget hook threw; the operation went on without it. */
  callbackFailed: 'callback.failed',
  /** A probe found the target's port listening: the backoff wait ends, the retry starts now. */
  probeListening: 'probe.listening',
  /** A probe met something other than a closed port (a timeout): probing stopped for this wait. */
  probeStopped: 'probe.stopped',
  /**
   * On a connect span: the manager started this cycle one base delay after the previous one
   * gave up, because calls still waited within their wait limit.
   */
  cycleRestarted: 'cycle.restarted',
} as const;

export type SpanEventName = (typeof spanEventNames)[keyof typeof spanEventNames];

/** What kind of instrument a metric is. */
export type InstrumentKind =
  | 'counter'
  | 'histogram'
  | 'up-down-counter'
  | 'observable-gauge'
  | 'observable-counter'
  | 'observable-up-down-counter';

/** A metric's name, unit (UCUM; durations in seconds), instrument and description. */
export interface MetricDefinition {
  readonly name: string;
  readonly unit: string;
  readonly instrument: InstrumentKind;
  readonly description: string;
}

/** Every metric holdfast emits. */
export const metricDefinitions = {
  attempts: {
    name: 'holdfast.attempts',
    unit: '{attempt}',
    instrument: 'counter',
    description:
      'Attempts made by instrumented operations, by holdfast.outcome (and error.type, holdfast.error.kind on failures).',
  },
  retries: {
    name: 'holdfast.retries',
    unit: '{retry}',
    instrument: 'counter',
    description: 'Retries scheduled (counted before the wait), by error.type.',
  },
  connectDuration: {
    name: 'holdfast.connect.duration',
    unit: 's',
    instrument: 'histogram',
    description:
      'Time from the first attempt of a connect operation to its outcome, waits included.',
  },
  connectionState: {
    name: 'holdfast.connection.state',
    unit: '{connection}',
    instrument: 'up-down-counter',
    description: 'Connection managers of a target currently in each holdfast.connection.state.',
  },
  circuitState: {
    name: 'holdfast.circuit.state',
    unit: '{breaker}',
    instrument: 'up-down-counter',
    description: 'Circuit breakers of a target currently in each holdfast.circuit.state.',
  },
  budgetTokens: {
    name: 'holdfast.budget.tokens',
    unit: '{token}',
    instrument: 'observable-gauge',
    description: 'Tokens left in the retry budget of a target.',
  },
  poolConnectionCount: {
    name: 'db.client.connection.count',
    unit: '{connection}',
    instrument: 'observable-up-down-counter',
    description: 'Connections in the pool, by db.client.connection.state (idle | used).',
  },
  poolConnectionMax: {
    name: 'db.client.connection.max',
    unit: '{connection}',
    instrument: 'observable-up-down-counter',
    description: 'The most connections the pool may open.',
  },
  poolPendingRequests: {
    name: 'db.client.connection.pending_requests',
    unit: '{request}',
    instrument: 'observable-up-down-counter',
    description: 'Requests waiting for a connection from the pool.',
  },
  poolTimeouts: {
    name: 'db.client.connection.timeouts',
    unit: '{timeout}',
    instrument: 'counter',
    description: 'Checkouts that timed out waiting for a connection.',
  },
  poolCreateTime: {
    name: 'db.client.connection.create_time',
    unit: 's',
    instrument: 'histogram',
    description: 'Time it took to open a new connection.',
  },
  poolWaitTime: {
    name: 'db.client.connection.wait_time',
    unit: 's',
    instrument: 'histogram',
    description: 'Time it took to obtain a connection from the pool.',
  },
  poolUseTime: {
    name: 'db.client.connection.use_time',
    unit: 's',
    instrument: 'histogram',
    description: 'Time between borrowing a connection and returning it to the pool.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Bucket boundaries of `holdfast.connect.duration`, seconds (reconnects can take minutes). */
export const connectDurationBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** Bucket boundaries of the pool's time histograms, seconds (the conventions' advice). */
export const poolTimeBuckets: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
