import type { Classification } from '../classify/Classification.js';

/** A classification a retry may follow. */
export type RetryableClassification = Classification & { readonly kind: 'transient' | 'throttled' };

/**
 * Why a retry loop stopped.
 * - `fatal`: the classifier said so; the error is passed on as it is.
 * - `breaker`: the circuit breaker refused an attempt; its `CircuitOpenError` is passed on.
 * - `abort`: the caller's signal fired; the caller gets `AbortedError` (or the signal's holdfast error).
 * - `outcome-unknown`: a request that may have reached the server is not sent again.
 * - `retries`, `deadline`, `budget`: `maxRetries` used up, the next attempt would start after
 *   `maxElapsedMs`, the retry budget refused; the caller gets `RetriesExhaustedError`.
 */
export type RetryStopCause =
  'fatal' | 'breaker' | 'abort' | 'outcome-unknown' | 'retries' | 'deadline' | 'budget';

/** What the one retry decider says after a failed attempt: wait and retry, or stop. */
export type RetryDecision =
  | {
      readonly type: 'retry';
      /** The retry about to be waited for: 1 for the first (the second attempt). */
      readonly retry: number;
      /** The wait before it, ms (jitter and the throttled factor applied). */
      readonly delayMs: number;
      /** The error of the attempt that failed. */
      readonly error: unknown;
      readonly classification: RetryableClassification;
    }
  | {
      readonly type: 'stop';
      readonly cause: RetryStopCause;
      /** Attempts made (the first included). */
      readonly attempts: number;
      /** The error of the last attempt (telemetry records this one). */
      readonly error: unknown;
      /** What the caller gets: the error itself, or the holdfast error that explains the stop. */
      readonly thrown: unknown;
      /** Undefined only for `abort` (an abort is not classified). */
      readonly classification: Classification | undefined;
    };
