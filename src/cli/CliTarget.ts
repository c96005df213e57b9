import type { Observable } from 'rxjs';
import type { ConnectionState } from '../connection/ConnectionState.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import type { TargetUrl } from './parseTargetUrl.js';

/**
 * One MySQL or Redis target as the CLI drives it: a connection state stream, one round of
 * connect attempts at a time (with the retry policy), a liveness check, close.
 */
export interface CliTarget {
  readonly url: TargetUrl;
  /** Replays the current state to each subscriber; completes after `closed`. */
  readonly state$: Observable<ConnectionState<unknown>>;
  /** The retry policy in force (from `DB_RETRY_*` / `REDIS_RETRY_*`). */
  readonly policy: RetryPolicy;
  /**
   * Connects and verifies (one round: the first attempt and up to `policy.maxRetries` retries).
   * Rejects with a `RetriesExhaustedError` when the round is used up, with the error itself when
   * it is not worth retrying, with an `AbortedError` when `signal` fires.
   */
  ready(signal: AbortSignal): Promise<unknown>;
  /** Runs one cheap command on the connection (PING, SELECT 1) so that a dead link is noticed. */
  check(signal: AbortSignal): Promise<unknown>;
  /** Closes every connection; idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the target for a URL; the environment supplies the retry policy. Asynchronous so that
 * a driver layer is loaded only when a URL needs it (mysql2 and ioredis are optional peers).
 *
 * @throws {ConfigurationError} a malformed `DB_RETRY_*` / `REDIS_RETRY_*` variable
 */
export type CreateCliTarget = (
  url: TargetUrl,
  env: Readonly<Record<string, string | undefined>>,
) => Promise<CliTarget>;
