import { CircuitOpenError } from '../errors/CircuitOpenError.js';

/**
 * The error of a refused call: says which state refused it, for how long, and what to do.
 * `retryAfterMs` is whole milliseconds (0 while half-open probes are busy, Infinity while isolated).
 */
export function circuitOpenError(
  name: string,
  status: 'open' | 'half-open' | 'isolated',
  retryAfterMs: number,
): CircuitOpenError {
  const why =
    status === 'isolated'
      ? 'it is isolated until reset() is called'
      : status === 'open'
        ? `calls resume with a probe in ${retryAfterMs} ms`
        : 'its half-open probes are all in flight';
  return new CircuitOpenError(
    `Circuit ${name} is ${status}: the call was not attempted (${why}). Wait for state$ to show 'closed' or retry after retryAfterMs.`,
    { retryAfterMs },
  );
}
