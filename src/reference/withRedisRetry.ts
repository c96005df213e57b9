import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';
import { RedisConnectionRetry } from './RedisConnectionRetry.js';
import { retryFunction } from './retryFunction.js';

/**
 * The reference design's `with_redis_retry`: `withRedisRetry(options)(fn)` returns a function that
 * runs `fn` through a `RedisConnectionRetry` built once from `options` (validated now, at wrap
 * time). `this` and the arguments are passed on; the caller vouches that `fn` may run again.
 *
 * @throws {ConfigurationError} (at wrap time) an unknown option key or a malformed value
 * @example
 * const fetchUser = withRedisRetry({ maxRetries: 3 })(async function fetchUser(id: string) {
 *   return lookUp(id);
 * });
 */
export function withRedisRetry(
  options: ConnectionRetryOptions = {},
): <Args extends unknown[], R>(
  fn: (...args: Args) => R | PromiseLike<R>,
) => (...args: Args) => Promise<R> {
  const retry = new RedisConnectionRetry(options);
  return (fn) => retryFunction(retry, fn);
}
