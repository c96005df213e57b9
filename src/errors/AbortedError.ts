import { HoldfastError } from './HoldfastError.js';

/** The caller's AbortSignal fired (or its `timeoutMs` passed) before the operation finished. */
export class AbortedError extends HoldfastError {
  override readonly name = 'AbortedError';
  readonly code = 'ERR_HOLDFAST_ABORTED';
}
