import { HoldfastError } from './HoldfastError.js';

/** The circuit breaker is open (or isolated): the call was not attempted. */
export class CircuitOpenError extends HoldfastError {
  override readonly name = 'CircuitOpenError';
  readonly code = 'ERR_HOLDFAST_CIRCUIT_OPEN';
  /** Milliseconds until the breaker lets a probe through; Infinity while isolated. */
  readonly retryAfterMs: number;

  constructor(message: string, options: { retryAfterMs: number; cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
