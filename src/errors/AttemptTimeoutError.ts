import { HoldfastError } from './HoldfastError.js';

/**
 * One attempt took longer than its `withAttemptTimeout` limit and was aborted. Classified
 * transient, so the retry loop tries again after its backoff. The request may have reached the
 * server: a write is re-sent only when the caller vouches it is idempotent (DESIGN.md "What may
 * be re-sent"). `cause` is what the attempt's driver reported, if anything.
 */
export class AttemptTimeoutError extends HoldfastError {
  override readonly name = 'AttemptTimeoutError';
  readonly code = 'ERR_HOLDFAST_ATTEMPT_TIMEOUT';
  /** The limit that passed, ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(
      `The attempt took longer than ${timeoutMs} ms (withAttemptTimeout) and was aborted. Raise the timeout if the target is slow rather than down.`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }
}
