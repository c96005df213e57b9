/**
 * One connect attempt (connect plus verify) took longer than `connectTimeoutMs`. It carries the
 * socket code `ETIMEDOUT` so the classifier treats it as the transient network timeout it is;
 * nothing was sent, so the attempt is always safe to repeat.
 */
export class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError';
  readonly code = 'ETIMEDOUT';
  /** The limit that passed, ms. */
  readonly timeoutMs: number;

  constructor(target: string, timeoutMs: number) {
    super(
      `Connecting to ${target} timed out after ${timeoutMs} ms (connectTimeoutMs). Check that the server is reachable, or raise connectTimeoutMs.`,
    );
    this.timeoutMs = timeoutMs;
  }
}
