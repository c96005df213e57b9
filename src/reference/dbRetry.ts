import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';
import { DatabaseConnectionRetry } from './DatabaseConnectionRetry.js';
import { type RetryMethodDecorator, retryMethod } from './retryMethod.js';

/**
 * A TC39 (standard) method decorator: every call of the decorated async method runs through a
 * `DatabaseConnectionRetry` built once from `options` (validated when the class is defined).
 * Needs no `experimentalDecorators`.
 *
 * @throws {ConfigurationError} (at class definition) an unknown option key or a malformed value
 * @example
 * class Users {
 *   @dbRetry({ maxRetries: 3, baseDelayMs: 1000 })
 *   async fetch(id: string) {
 *     return lookUp(id);
 *   }
 * }
 */
export function dbRetry(options: ConnectionRetryOptions = {}): RetryMethodDecorator {
  return retryMethod(new DatabaseConnectionRetry(options));
}
