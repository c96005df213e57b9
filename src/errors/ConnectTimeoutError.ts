import { HoldfastError } from './HoldfastError.js';

/**
 * One connect attempt (connect plus verify) took longer than `connectTimeoutMs`; the attempt was
 * aborted. Classified transient: nothing was sent, so the attempt is always safe to repeat.
 * `cause` is the driver's error when the driver reported one as it was aborted.
 */
export class ConnectTimeoutError extends HoldfastError {
  override readonly name = 'ConnectTimeoutError';
  readonly code = 'ERR_HOLDFAST_CONNECT_TIMEOUT';
  /** The limit that passed, ms. */
  readonly timeoutMs: number;

  constructor(target: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      `Connecting to ${target} timed out after ${timeoutMs} ms (connectTimeoutMs). Check that the server is reachable, or raise connectTimeoutMs.`,
      options,
    );
    this.timeoutMs = timeoutMs;
  }
}
