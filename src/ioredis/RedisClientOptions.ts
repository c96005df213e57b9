import type { RedisOptions } from 'ioredis';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { Clock } from '../internal/Clock.js';
import type { Random } from '../internal/Random.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../retry/hooks.js';
import type { RetryOptions } from '../retry/RetryOptions.js';
import type { TelemetryOptions } from '../telemetry/TelemetryOptions.js';

/**
 * ioredis options that holdfast sets itself, because they decide when to reconnect and whether
 * a command is sent again (STYLE.md principle 3: one owner per decision). Passing one is a
 * `ConfigurationError` that says which holdfast option to use instead.
 */
export const ownedIoredisOptions = {
  retryStrategy: 'holdfast reconnects; configure `retry` (or REDIS_RETRY_*) instead',
  maxRetriesPerRequest:
    'holdfast decides per command whether it is sent again (the command table, `client.idempotent`); only `null` (what BullMQ asks for) is accepted',
  enableOfflineQueue:
    'commands wait in the offline queue while holdfast reconnects, bounded by `retry`',
  autoResendUnfulfilledCommands:
    'holdfast re-sends an unanswered command only when it is safe, else OutcomeUnknownError',
  reconnectOnError: 'holdfast classifies error replies (READONLY, LOADING ...) itself',
  lazyConnect:
    'holdfast connects on the first command, connect() or ready(), never in the constructor',
  commandTimeout: 'use `commandTimeoutMs`, which also replaces the dead connection',
  sentinelRetryStrategy:
    'one connect attempt asks each sentinel once; holdfast’s `retry` owns the waits between attempts',
} as const satisfies Partial<Record<keyof RedisOptions, string>>;

export type OwnedIoredisOption = keyof typeof ownedIoredisOptions;

/**
 * The values holdfast gives the options it owns. ioredis never reconnects on its own
 * (`retryStrategy: null`: its close handler ends the socket and holdfast's loop calls `connect()`
 * on the same instance); the offline queue holds commands while holdfast reconnects; nothing is
 * re-sent by ioredis. `maxRetriesPerRequest` only matters with an ioredis retryStrategy, so it is
 * `null`, which is also what BullMQ requires of a worker's connection. Giving one of these
 * options with exactly this value is accepted (BullMQ's `duplicate({ maxRetriesPerRequest: null })`).
 */
export const ownedValues = {
  lazyConnect: true,
  retryStrategy: null,
  maxRetriesPerRequest: null,
  enableOfflineQueue: true,
  autoResendUnfulfilledCommands: false,
  reconnectOnError: null,
} as const satisfies RedisOptions;

/** holdfast's own options of a Redis client (the rest are ioredis's). */
export interface RedisClientOwnOptions extends TelemetryOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS, or a socket path. Options
   * given beside it (`host`, `password`, `tls` ...) win over what it says.
   * @default process.env.REDIS_URL for `getRedisClient()` without options
   */
  readonly url?: string;
  /**
   * The target's name in states, errors, spans and log lines.
   * @default `redis <host>:<port>` (or `redis <sentinel name>`)
   */
  readonly targetName?: string;
  /** Reconnect and retry policy, over `REDIS_RETRY_*` over the Redis defaults (3, 0.5 s, 10 s). */
  readonly retry?: RetryOptions;
  /**
   * No reply for this long while commands wait means the connection is dead (a blackhole, a
   * frozen host): it is replaced and the waiting commands fail with
   * `ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT` (retried when idempotent). Blocking commands (BLPOP,
   * XREAD BLOCK ...) are exempt. 0 switches it and the health check off. Milliseconds.
   * @default 5000
   */
  readonly commandTimeoutMs?: number;
  /**
   * An idle connection is PINGed this often so that a dead one is noticed before the next
   * command needs it (within `healthCheckIntervalMs + 1.25 * commandTimeoutMs`). 0: never. Ms.
   * @default 5000
   */
  readonly healthCheckIntervalMs?: number;
  /** One connect attempt (TCP, TLS, HELLO/AUTH, PING) must finish within this, ms. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** How long `close()` waits for QUIT before dropping the socket, ms. @default 1000 */
  readonly quitTimeoutMs?: number;
  /** @default new ErrorClassifier({ tables: ['redis'] }) */
  readonly classifier?: ErrorClassifier;
  readonly circuitBreaker?: CircuitBreakerHook;
  /** A retry budget; `false` switches the default one off. */
  readonly budget?: RetryBudgetHook | false;
  /** Environment read for `REDIS_URL` and `REDIS_RETRY_*`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Time and timers (backoff, watchdog). @default systemClock */
  readonly clock?: Clock;
  /** Jitter source. @default Math.random */
  readonly random?: Random;
}

/**
 * Options of `createRedisClient` / `getRedisClient`: holdfast's own, plus any ioredis option
 * except those holdfast owns (`ownedIoredisOptions`). Sentinel (`sentinels`, `name`,
 * `sentinelPassword` ...) and TLS (`tls`, `rediss://`) options pass through to ioredis.
 *
 * @example
 * const client = createRedisClient({
 *   url: 'rediss://:s3cret@cache.internal:6380/0',
 *   targetName: 'redis-cache',
 *   retry: { maxRetries: 5 },
 * });
 */
export type RedisClientOptions = RedisClientOwnOptions &
  Omit<RedisOptions, OwnedIoredisOption> & {
    /** Accepted only as `null` (BullMQ's requirement), which is what holdfast sets. */
    readonly maxRetriesPerRequest?: null;
  };

/** The keys of `RedisClientOwnOptions` (everything else goes to ioredis). */
export const ownOptionKeys = [
  'url',
  'targetName',
  'retry',
  'commandTimeoutMs',
  'healthCheckIntervalMs',
  'connectTimeoutMs',
  'quitTimeoutMs',
  'classifier',
  'circuitBreaker',
  'budget',
  'env',
  'clock',
  'random',
  'logger',
  'tracer',
  'meter',
] as const satisfies readonly (keyof RedisClientOwnOptions)[];
