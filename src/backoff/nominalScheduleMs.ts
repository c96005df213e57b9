import { type BackoffParams, exponentialDelay } from './exponentialBackoff.js';

/**
 * The policy's nominal schedule, ms: the sum of its un-jittered backoff delays over
 * `maxRetries` retries (1 + 2 + 4 s = 7000 for the MySQL defaults, 0.5 + 1 + 2 s = 3500 for
 * Redis), capped at `maxElapsedMs` when one is set. A call's default wait limit: it does not
 * depend on the jitter drawn, nor on when in a reconnect cycle the call arrived.
 *
 * @example
 * nominalScheduleMs({ maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30000, exponentialBase: 2, jitter: 'proportional' }); // 7000
 */
export function nominalScheduleMs(
  policy: BackoffParams & {
    readonly maxRetries: number;
    readonly maxElapsedMs?: number | undefined;
  },
): number {
  let total = 0;
  for (let retry = 1; retry <= policy.maxRetries; retry++) {
    total += exponentialDelay(retry, policy);
    // Past a day the sum means "no limit" for any real caller; stop adding.
    if (total > 86_400_000) break;
  }
  return policy.maxElapsedMs === undefined ? total : Math.min(total, policy.maxElapsedMs);
}
