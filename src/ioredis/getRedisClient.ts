import { RedisClient } from './RedisClient.js';
import type { RedisClientOptions } from './RedisClientOptions.js';

const clients = new Map<string, RedisClient>();
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/**
 * A new Redis client, always (compare `getRedisClient`). It is idle until the first command or
 * `ready()`. Without `url`, the connection options are ioredis's (`localhost:6379`) overridden by
 * those given; `REDIS_URL` is not read (it is for the process-wide client).
 *
 * @throws {ConfigurationError} an ioredis option holdfast owns (`retryStrategy`,
 *   `maxRetriesPerRequest`, `enableOfflineQueue` ...), a malformed URL, duration or retry option
 * @example
 * const cache = createRedisClient({ url: 'redis://cache:6379/1', targetName: 'redis-cache' });
 */
export function createRedisClient(options: RedisClientOptions = {}): RedisClient {
  return new RedisClient(options);
}

/**
 * The process-wide Redis client for these options: the same instance for equal options (compared
 * by value; functions and objects such as loggers by identity) until it is closed. Without
 * options (or without `url`) it connects to `REDIS_URL` (from `options.env` or `process.env`),
 * else to ioredis's default `localhost:6379`; `REDIS_RETRY_*` set the retry policy.
 *
 * @throws {ConfigurationError} a malformed `REDIS_URL` or `REDIS_RETRY_*` (the message names the
 *   variable, never the password), or a malformed option
 * @example
 * const client = getRedisClient(); // REDIS_URL=redis://:secret@cache:6379/0
 * await client.ping();
 */
export function getRedisClient(options: RedisClientOptions = {}): RedisClient {
  const key = optionsKey(options);
  const existing = clients.get(key);
  if (existing !== undefined) return existing;
  const client: RedisClient = new RedisClient(options, {
    fromEnvUrl: true,
    onClose: () => {
      if (clients.get(key) === client) clients.delete(key);
    },
  });
  clients.set(key, client);
  return client;
}

/**
 * A key equal for equal options: plain objects and arrays by value (keys sorted), functions and
 * other objects (loggers, tracers, clocks) by identity. When `env` is not given, the parts of
 * `process.env` the client reads are part of the key, so a changed REDIS_URL gives a new client.
 */
function optionsKey(options: RedisClientOptions): string {
  const env = options.env ?? process.env;
  const fromEnv = {
    REDIS_URL: env.REDIS_URL,
    REDIS_RETRY_MAX_ATTEMPTS: env.REDIS_RETRY_MAX_ATTEMPTS,
    REDIS_RETRY_BASE_DELAY: env.REDIS_RETRY_BASE_DELAY,
    REDIS_RETRY_MAX_DELAY: env.REDIS_RETRY_MAX_DELAY,
  };
  return JSON.stringify(canonical({ ...options, env: fromEnv }));
}

function canonical(value: unknown): unknown {
  if (typeof value === 'function') return `#fn${identity(value)}`;
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'bigint' ? `${value}n` : value;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (Buffer.isBuffer(value)) return `#buf${value.toString('base64')}`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `#obj${identity(value)}`;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) result[key] = canonical(record[key]);
  }
  return result;
}

function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}
