import type { Random } from '../internal/Random.js';
import { assertNever } from '../internal/assertNever.js';
import {
  type JitterMode,
  decorrelatedJitter,
  equalJitter,
  fullJitter,
  proportionalJitter,
} from './jitter.js';

/** The numbers a backoff needs; a resolved `RetryPolicy` is one. */
export interface BackoffParams {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly exponentialBase: number;
  readonly jitter: JitterMode;
}

/** The delay before retry `retry` (1, 2, ...) without jitter: min(base * factor^(n-1), max). */
export function exponentialDelay(retry: number, params: BackoffParams): number {
  // A zero base stays zero: 0 x Infinity (a power that overflowed) would be NaN.
  if (params.baseDelayMs === 0) return 0;
  const raw = params.baseDelayMs * params.exponentialBase ** (retry - 1);
  return Math.min(Number.isFinite(raw) ? raw : params.maxDelayMs, params.maxDelayMs);
}

/**
 * The wait before retry `retry` (1 for the first retry): a pure function of the retry number,
 * the previous delay (for decorrelated jitter) and a random source. Never above `maxDelayMs`.
 *
 * @example
 * const params = { baseDelayMs: 1000, maxDelayMs: 30000, exponentialBase: 2, jitter: 'proportional' } as const;
 * backoffDelay(3, 0, params, () => 0.5); // 4000: 1 s x 2^2, jitter factor 1.0
 */
export function backoffDelay(
  retry: number,
  previousDelayMs: number,
  params: BackoffParams,
  random: Random,
): number {
  const exponential = exponentialDelay(retry, params);
  let delay: number;
  const mode: JitterMode = params.jitter;
  switch (mode) {
    case 'proportional':
      delay = proportionalJitter(exponential, random);
      break;
    case 'none':
      delay = exponential;
      break;
    case 'full':
      delay = fullJitter(exponential, random);
      break;
    case 'equal':
      delay = equalJitter(exponential, random);
      break;
    case 'decorrelated':
      delay = decorrelatedJitter(
        params.baseDelayMs,
        previousDelayMs > 0 ? previousDelayMs : params.baseDelayMs,
        random,
      );
      break;
    default:
      return assertNever(mode);
  }
  return Math.min(Math.max(0, delay), params.maxDelayMs);
}
