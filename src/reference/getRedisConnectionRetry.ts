import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import { redisRetryDefaults } from '../retry/RetryOptions.js';
import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';
import { RedisConnectionRetry } from './RedisConnectionRetry.js';

/**
 * A `RedisConnectionRetry` with the environment applied: option > `REDIS_RETRY_MAX_ATTEMPTS`,
 * `REDIS_RETRY_BASE_DELAY`, `REDIS_RETRY_MAX_DELAY` (seconds) > default. A new instance per call.
 *
 * @param env @default process.env
 * @throws {ConfigurationError} a malformed variable (named in the message and `error.option`)
 *   or option
 * @example
 * const retry = getRedisConnectionRetry({ maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 20000 });
 */
export function getRedisConnectionRetry(
  options: ConnectionRetryOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): RedisConnectionRetry {
  return new RedisConnectionRetry(options, retryPolicyFromEnv('REDIS', redisRetryDefaults, env));
}
