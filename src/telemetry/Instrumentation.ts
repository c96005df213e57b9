import type { Classification } from '../classify/Classification.js';
import type { CircuitStatus, OperationKind } from './names.js';
import type { PoolMetrics, PoolSnapshot } from './poolMetrics.js';

export type { CircuitStatus, OperationKind };

/**
 * The seam between the retry machinery and telemetry (spans, metrics, log lines). The retry
 * loops call it; `createInstrumentation` (telemetry/) implements it with @opentelemetry/api and
 * the Logger; `noopInstrumentation` costs nothing.
 */
/** What a fleet-shared store backs. */
export type SharedComponent = 'circuit breaker' | 'retry budget';

export interface Instrumentation {
  /**
   * Opens the span of one logical operation (`connect mysql-main`, `execute fetch users`).
   * `startTimeMs` lets a hot path open it late, after its first attempt failed.
   */
  operation(kind: OperationKind, description: string, startTimeMs?: number): OperationTelemetry;
  /** The target's connection state changed (state metric, log at debug). */
  stateChanged(status: string, previous: string): void;
  /**
   * The target's circuit breaker changed state: `holdfast.circuit.state` metric, a WARN line when
   * it opens, INFO when it half-opens or closes. (The span events `circuit.opened` ... go on the
   * operation through `OperationTelemetry.event`.) Optional: absent on `noopInstrumentation`.
   */
  circuitChanged?(status: CircuitStatus, previous: CircuitStatus | undefined): void;
  /**
   * The fleet store of the target's breaker or budget failed (`error` set: a WARN line, once per
   * outage; the component goes on with its local state) or answers again (INFO). Optional.
   */
  sharedStoreChanged?(
    component: SharedComponent,
    operation: string | undefined,
    error?: unknown,
  ): void;
  /**
   * Reports the target's retry budget as the `holdfast.budget.tokens` gauge, reading `tokens` at
   * each collection. Returns the function that stops reporting.
   */
  observeBudget?(tokens: () => number): () => void;
  /**
   * Reports a pool of this target as the `db.client.connection.*` metrics (see
   * `registerPoolMetrics`); the returned handle records timings and unregisters.
   */
  observePool?(poolName: string, snapshot: () => PoolSnapshot): PoolMetrics;
  /**
   * The component is gone: it stops counting in the state metrics and its gauges stop. Spans of
   * operations still open are not touched (they end when their operations do).
   */
  close?(): void;
}

export interface OperationTelemetry {
  /** Opens the child span of attempt `attempt` (1, 2, ...). */
  attempt(attempt: number, startTimeMs?: number): AttemptTelemetry;
  /** A retry was scheduled: event `retry.scheduled` before the wait, WARN log line. */
  retryScheduled(retry: number, delayMs: number, error: unknown): void;
  /** A span event on the operation span (`circuit.opened`, `budget.exhausted`, ...). */
  event(name: string, attributes?: Record<string, string | number | boolean>): void;
  /** Ends the operation successfully after `attempts` attempts. */
  succeed(attempts: number): void;
  /** Ends the operation with its final error; `retries` = attempts - 1. */
  fail(error: unknown, attempts: number): void;
}

export interface AttemptTelemetry {
  succeed(): void;
  fail(error: unknown, classification: Classification): void;
  /**
   * Runs `fn` with the attempt's span active, so that spans a driver instrumentation opens
   * inside it become children of the attempt. Optional: callers fall back to `fn()`.
   */
  run?<T>(fn: () => T): T;
}

const noopAttempt: AttemptTelemetry = { succeed: () => undefined, fail: () => undefined };
const noopOperation: OperationTelemetry = {
  attempt: () => noopAttempt,
  retryScheduled: () => undefined,
  event: () => undefined,
  succeed: () => undefined,
  fail: () => undefined,
};

export const noopInstrumentation: Instrumentation = {
  operation: () => noopOperation,
  stateChanged: () => undefined,
};
