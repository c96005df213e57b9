import { HoldfastError } from './HoldfastError.js';

/** The manager, pool or client was closed; create a new one to connect again. */
export class ClosedError extends HoldfastError {
  override readonly name = 'ClosedError';
  readonly code = 'ERR_HOLDFAST_CLOSED';
}
