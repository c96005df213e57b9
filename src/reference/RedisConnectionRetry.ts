import { type RetryPolicy, redisRetryDefaults } from '../retry/RetryOptions.js';
import { ConnectionRetry } from './ConnectionRetry.js';
import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';
import { pingClient } from './pingClient.js';

/**
 * The reference design's retry for Redis connections: maxRetries 3, baseDelayMs 500,
 * maxDelayMs 10000, exponentialBase 2, jitter x[0.5, 1.5]; errors classified by the Redis and
 * network tables (NOAUTH / WRONGPASS / NOPERM are tried once). `connectWithRetry` verifies a
 * new client with PING before returning it; a client whose PING fails is disconnected and the
 * attempt counts as failed.
 *
 * The constructor applies the options over the defaults; `getRedisConnectionRetry` also applies
 * the `REDIS_RETRY_*` environment variables.
 *
 * @param defaults what the options are merged over. @default redisRetryDefaults
 * @throws {ConfigurationError} an unknown option key or a malformed value
 * @example
 * const retry = new RedisConnectionRetry({ maxRetries: 3 });
 * const client = await retry.connectWithRetry(() => new Redis({ lazyConnect: true }), 'redis-cache');
 * const value = await retry.executeWithRetry(() => client.get('my_key'), 'get my_key');
 */
export class RedisConnectionRetry extends ConnectionRetry {
  constructor(options: ConnectionRetryOptions = {}, defaults: RetryPolicy = redisRetryDefaults) {
    super(options, defaults, {
      className: 'RedisConnectionRetry',
      system: 'redis',
      table: 'redis',
      defaultName: 'redis',
      verify: pingClient,
    });
  }
}
