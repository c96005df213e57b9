import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';
import { RedisConnectionRetry } from './RedisConnectionRetry.js';
import { type RetryMethodDecorator, retryMethod } from './retryMethod.js';

/**
 * A TC39 (standard) method decorator: every call of the decorated async method runs through a
 * `RedisConnectionRetry` built once from `options` (validated when the class is defined).
 * Needs no `experimentalDecorators`.
 *
 * @throws {ConfigurationError} (at class definition) an unknown option key or a malformed value
 * @example
 * class Users {
 *   @redisRetry({ maxRetries: 3, baseDelayMs: 500 })
 *   async fetch(id: string) {
 *     return lookUp(id);
 *   }
 * }
 */
export function redisRetry(options: ConnectionRetryOptions = {}): RetryMethodDecorator {
  return retryMethod(new RedisConnectionRetry(options));
}
