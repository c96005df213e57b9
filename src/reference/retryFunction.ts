import type { ConnectionRetry } from './ConnectionRetry.js';

/**
 * Wraps `fn` so every call runs through `retry.executeWithRetry` (described by `fn.name`), with
 * `this` and the arguments passed on. The caller vouches that `fn` may run again.
 */
export function retryFunction<Args extends unknown[], R>(
  retry: ConnectionRetry,
  fn: (...args: Args) => R | PromiseLike<R>,
): (...args: Args) => Promise<R> {
  const description = fn.name || 'operation';
  return function (this: unknown, ...args: Args): Promise<R> {
    return retry.executeWithRetry(() => fn.apply(this, args), description);
  };
}
