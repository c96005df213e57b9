/**
 * One attempt took longer than its `withAttemptTimeout` limit. It carries the socket code
 * `ETIMEDOUT`, so the classifier treats it as the transient network timeout it is and the retry
 * loop tries again. The request may have reached the server: a write is re-sent only when the
 * caller vouches it is idempotent (DESIGN.md "What may be re-sent").
 */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  readonly code = 'ETIMEDOUT';
  /** The limit that passed, ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(
      `The attempt took longer than ${timeoutMs} ms (withAttemptTimeout) and was aborted. Raise the timeout if the target is slow rather than down.`,
    );
    this.timeoutMs = timeoutMs;
  }
}
