import { HoldfastError } from './HoldfastError.js';

/** Why a retry loop gave up. */
export type RetryStopReason = 'retries' | 'deadline' | 'budget';

/**
 * Every allowed attempt failed with a retryable error (or the retry budget or `maxElapsedMs`
 * stopped the loop first). A fatal error is never wrapped: it is thrown as it is.
 * `cause` is the LAST error, as the reference design raises it.
 */
export class RetriesExhaustedError extends HoldfastError {
  override readonly name = 'RetriesExhaustedError';
  readonly code = 'ERR_HOLDFAST_RETRIES_EXHAUSTED';
  /** How many attempts were made (first attempt included). */
  readonly attempts: number;
  /** The target or operation name, e.g. `mysql-main`. */
  readonly target: string;
  declare readonly cause: unknown;

  /**
   * What ended the loop: `retries` (maxRetries used up), `deadline` (the next attempt would
   * start after maxElapsedMs) or `budget` (the retry budget refused the retry).
   */
  readonly reason: RetryStopReason;

  constructor(
    message: string,
    options: { cause: unknown; attempts: number; target: string; reason?: RetryStopReason },
  ) {
    super(message, { cause: options.cause });
    this.attempts = options.attempts;
    this.target = options.target;
    this.reason = options.reason ?? 'retries';
  }
}
