import type { RedisOptions } from 'ioredis';
import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { suggestName } from '../internal/suggestName.js';
import { describe, expectFiniteNumber, unknownOptionError } from '../internal/validate.js';
import { redisRetryDefaults, type RetryPolicy } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import { parseRedisUrl } from './parseRedisUrl.js';
import { ioredisOptionKeys } from './ioredisOptionKeys.js';
import {
  type OwnedIoredisOption,
  type RedisClientOptions,
  type RedisClientOwnOptions,
  ownOptionKeys,
  ownedIoredisOptions,
} from './RedisClientOptions.js';

/** A client's options, validated and split between holdfast and ioredis. */
export interface ResolvedRedisClientOptions {
  readonly targetName: string;
  /** Where it connects, safe to show (no password). */
  readonly display: string;
  readonly target: Omit<TargetDescription, 'name'>;
  /** The options every ioredis instance of this client is built with (owned values applied). */
  readonly ioredis: RedisOptions;
  /** The Redis defaults with `REDIS_RETRY_*` applied; `retry` is merged over them. */
  readonly retryDefaults: RetryPolicy;
  /** The resolved policy (validated here, so that a typo fails before anything connects). */
  readonly policy: RetryPolicy;
  readonly commandTimeoutMs: number;
  readonly healthCheckIntervalMs: number;
  readonly connectTimeoutMs: number;
  readonly quitTimeoutMs: number;
  readonly own: RedisClientOwnOptions;
}

/**
 * The values holdfast gives the ioredis options it owns: no reconnect, no offline queue, no
 * re-send, no ready-check loop; each instance is one connection, opened by `connect()`.
 * `maxRetriesPerRequest: 0` (not `null`, which would let a command wait forever) only matters
 * if a custom Connector made ioredis reconnect anyway: queued commands then fail at once.
 */
const ownedValues = {
  lazyConnect: true,
  retryStrategy: null,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  reconnectOnError: null,
  enableReadyCheck: false,
  sentinelRetryStrategy: () => null,
} as const satisfies RedisOptions;

const ownKeys: ReadonlySet<string> = new Set(ownOptionKeys);

/**
 * Validates a client's options eagerly and prepares the ioredis options. The URL (`url`, else
 * `REDIS_URL` when `fromEnvUrl`) gives the defaults that explicit options override.
 *
 * @throws {ConfigurationError} an ioredis option that holdfast owns (the message says what to use
 *   instead), a malformed URL or duration, or a malformed `REDIS_RETRY_*` / `retry` value
 */
export function resolveRedisClientOptions(
  options: RedisClientOptions,
  fromEnvUrl: boolean,
): ResolvedRedisClientOptions {
  const untyped: unknown = options;
  if (typeof untyped !== 'object' || untyped === null || Array.isArray(untyped)) {
    throw new ConfigurationError(
      `Expected the Redis client options to be an object, got ${describe(untyped)}.`,
    );
  }
  const env = options.env ?? process.env;
  const own: Record<string, unknown> = {};
  const passed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (Object.hasOwn(ownedIoredisOptions, key)) {
      throw new ConfigurationError(
        `The ioredis option \`${key}\` is managed by holdfast: ${ownedIoredisOptions[key as keyof typeof ownedIoredisOptions]}. Remove it.`,
        { option: key },
      );
    }
    if (ownKeys.has(key)) own[key] = value;
    else if (Object.hasOwn(ioredisOptionKeys, key)) passed[key] = value;
    else throw unknownRedisOption(key);
  }
  const urlText = options.url ?? (fromEnvUrl ? nonEmpty(env.REDIS_URL) : undefined);
  const where = options.url === undefined ? 'REDIS_URL' : 'url';
  const parsed = urlText === undefined ? undefined : parseRedisUrl(urlText, where);
  for (const key of Object.keys(parsed?.options ?? {})) {
    if (Object.hasOwn(ownedIoredisOptions, key)) {
      throw new ConfigurationError(
        `${where} sets the ioredis option \`${key}\`, which is managed by holdfast. Remove it from the URL.`,
        { option: where },
      );
    }
  }
  const ioredis: RedisOptions = { ...parsed?.options, ...passed, ...ownedValues };
  const retryDefaults = retryPolicyFromEnv('REDIS', redisRetryDefaults, env);
  const policy = resolveRetryPolicy(
    options.retry ?? {},
    retryDefaults,
    'Redis client `retry` options',
  );
  const where2 = describeTarget(ioredis);
  return {
    targetName: options.targetName ?? `redis ${where2.short}`,
    display: where2.display,
    target: where2.target,
    ioredis,
    retryDefaults,
    policy,
    commandTimeoutMs: duration('commandTimeoutMs', options.commandTimeoutMs, 5000, 0),
    healthCheckIntervalMs: duration(
      'healthCheckIntervalMs',
      options.healthCheckIntervalMs,
      5000,
      0,
    ),
    connectTimeoutMs: duration('connectTimeoutMs', options.connectTimeoutMs, 5000, 1),
    quitTimeoutMs: duration('quitTimeoutMs', options.quitTimeoutMs, 1000, 0),
    own: own,
  };
}

const optionNames: readonly string[] = [...ownOptionKeys, ...Object.keys(ioredisOptionKeys)];

/** An unknown key, with the option it most likely meant; if that one is ioredis's and holdfast's to set, why. */
function unknownRedisOption(key: string): ConfigurationError {
  const meant = suggestName(key, optionNames);
  if (meant !== undefined && Object.hasOwn(ownedIoredisOptions, meant)) {
    return new ConfigurationError(
      `Unknown option \`${key}\` in the Redis client options. Did you mean ioredis's \`${meant}\`? It is managed by holdfast: ${ownedIoredisOptions[meant as OwnedIoredisOption]}.`,
      { option: key },
    );
  }
  return unknownOptionError(key, optionNames, 'the Redis client options');
}

function duration(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const ms = expectFiniteNumber(name, value, min);
  if (ms > 2_147_483_647) {
    throw new ConfigurationError(
      `Expected \`${name}\` (${ms}) to be <= 2147483647 (the longest timer Node can hold).`,
      { option: name },
    );
  }
  return ms;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function describeTarget(options: RedisOptions): {
  short: string;
  display: string;
  target: Omit<TargetDescription, 'name'>;
} {
  const db = options.db ?? 0;
  const namespace = String(db);
  if (options.sentinels != null && options.sentinels.length > 0) {
    const master = options.name ?? 'mymaster';
    return {
      short: master,
      display: `redis sentinel master ${master}`,
      target: { system: 'redis', namespace },
    };
  }
  if (options.path != null && options.path !== '') {
    return {
      short: options.path,
      display: options.path,
      target: { system: 'redis', address: options.path, namespace },
    };
  }
  const host = options.host ?? 'localhost';
  const port = options.port ?? 6379;
  const scheme = options.tls === undefined ? 'redis' : 'rediss';
  return {
    short: `${host}:${port}`,
    display: `${scheme}://${host}:${port}/${db}`,
    target: { system: 'redis', address: host, port, namespace },
  };
}
