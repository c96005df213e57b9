import type { Classification } from '../classify/Classification.js';

/**
 * The seam between the retry machinery and telemetry (spans, metrics, log lines). The retry
 * loops call it; `createInstrumentation` (telemetry/) implements it with @opentelemetry/api and
 * the Logger; `noopInstrumentation` costs nothing.
 */
export interface Instrumentation {
  /**
   * Opens the span of one logical operation (`connect mysql-main`, `execute fetch users`).
   * `startTimeMs` lets a hot path open it late, after its first attempt failed.
   */
  operation(kind: OperationKind, description: string, startTimeMs?: number): OperationTelemetry;
  /** The target's connection state changed (state metric, log at debug). */
  stateChanged(status: string, previous: string): void;
}

export type OperationKind = 'connect' | 'execute' | 'checkout' | 'transaction' | 'verify';

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
