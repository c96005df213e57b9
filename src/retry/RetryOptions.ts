import type { JitterMode } from '../backoff/jitter.js';

/**
 * How a retry loop waits and when it gives up. Durations are milliseconds; the environment
 * variables (`DB_RETRY_*`, `REDIS_RETRY_*`) are seconds, as the reference design documents them.
 */
export interface RetryOptions {
  /** Retries after the first attempt (3 means at most 4 attempts). @default 3 */
  readonly maxRetries?: number;
  /** Delay before the first retry, before jitter. @default 1000 (MySQL), 500 (Redis) */
  readonly baseDelayMs?: number;
  /** No delay is ever longer. @default 30000 (MySQL), 10000 (Redis) */
  readonly maxDelayMs?: number;
  /** Growth factor: retry n waits baseDelayMs * exponentialBase^(n-1). @default 2 */
  readonly exponentialBase?: number;
  /** How delays are randomised. @default 'proportional' (factor in [0.5, 1.5]) */
  readonly jitter?: JitterMode;
  /** Overall deadline across all attempts and waits; no limit when absent. */
  readonly maxElapsedMs?: number;
  /**
   * Multiplies the delay after a throttled error (MySQL 1040 too many connections, Redis
   * LOADING / BUSY): an overloaded server gets more room than a dropped packet. @default 2
   */
  readonly throttledDelayFactor?: number;
}

/** Resolved, validated and frozen retry options: every field present. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly exponentialBase: number;
  readonly jitter: JitterMode;
  readonly maxElapsedMs: number | undefined;
  readonly throttledDelayFactor: number;
}

export const retryOptionKeys = [
  'maxRetries',
  'baseDelayMs',
  'maxDelayMs',
  'exponentialBase',
  'jitter',
  'maxElapsedMs',
  'throttledDelayFactor',
] as const satisfies readonly (keyof RetryOptions)[];

/** The reference design's MySQL defaults. */
export const mysqlRetryDefaults: RetryPolicy = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  exponentialBase: 2,
  jitter: 'proportional',
  maxElapsedMs: undefined,
  throttledDelayFactor: 2,
});

/** The reference design's Redis defaults (faster than the database's). */
export const redisRetryDefaults: RetryPolicy = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  exponentialBase: 2,
  jitter: 'proportional',
  maxElapsedMs: undefined,
  throttledDelayFactor: 2,
});
