import { HoldfastError } from './HoldfastError.js';

/**
 * Every allowed attempt failed (or the retry budget, deadline or classifier stopped the loop).
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

  constructor(message: string, options: { cause: unknown; attempts: number; target: string }) {
    super(message, { cause: options.cause });
    this.attempts = options.attempts;
    this.target = options.target;
  }
}
