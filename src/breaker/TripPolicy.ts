/**
 * Decides when a closed circuit opens. A policy sees every counted outcome of the closed state
 * (a success, a failure, or a slow success counted as a failure) and answers whether to trip.
 * A policy instance keeps counters: give each breaker its own.
 */
export interface TripPolicy {
  /** Names the policy in the `opened` event's `reason`, e.g. `'consecutive-failures'`. */
  readonly name: string;
  /**
   * False when `nowMs` is never read (a count of failures in a row): the breaker then reads no
   * clock for an outcome unless `slowCallMs` is set. @default true
   */
  readonly usesTime?: boolean;
  /** A call succeeded at `nowMs` (epoch ms). */
  success(nowMs: number): void;
  /** A call failed at `nowMs`; returns true when the circuit should open. */
  failure(nowMs: number): boolean;
  /** Forgets everything (the circuit closed, or was reset). */
  reset(): void;
}
