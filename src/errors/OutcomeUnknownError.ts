import { HoldfastError } from './HoldfastError.js';

/**
 * A write may have reached the server but its answer was lost, so holdfast did not send it again
 * (that could apply it twice). Check whether it took effect, or mark the operation
 * `idempotent: true` if running it twice is harmless. `cause` is the driver's error.
 */
export class OutcomeUnknownError extends HoldfastError {
  override readonly name = 'OutcomeUnknownError';
  readonly code = 'ERR_HOLDFAST_OUTCOME_UNKNOWN';
  /** What was being done, e.g. `INSERT INTO orders` or `INCR`. */
  readonly operation: string;
  declare readonly cause: unknown;

  constructor(message: string, options: { cause: unknown; operation: string }) {
    super(message, { cause: options.cause });
    this.operation = options.operation;
  }
}
