import type { ClusterOptions } from 'ioredis';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { describe } from '../internal/validate.js';
import type { RetryBudgetHook } from '../retry/hooks.js';
import { type RetryOptions, type RetryPolicy, redisRetryDefaults } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';

/**
 * ioredis `Cluster` options that holdfast sets itself (one owner per decision); passing one is a
 * `ConfigurationError` saying what to use instead.
 */
export const ownedClusterOptions = {
  clusterRetryStrategy: 'holdfast reconnects the cluster; configure `retry` (or REDIS_RETRY_*)',
  clusterNodeRetryStrategy:
    'a node connection that closes is replaced by the cluster, never reconnected with its commands',
  retryDelayOnFailover:
    'holdfast’s `retry` policy paces the retries after a node connection closed',
  retryDelayOnClusterDown: 'holdfast’s `retry` policy paces the retries after CLUSTERDOWN',
  retryDelayOnTryAgain: 'holdfast’s `retry` policy paces the retries after TRYAGAIN',
  enableOfflineQueue: 'commands wait for the cluster in its offline queue, bounded by `retry`',
  lazyConnect: 'holdfast connects on the first command or ready(), never in the constructor',
} as const satisfies Partial<Record<keyof ClusterOptions, string>>;

/** Options of the node connections (`redisOptions`) that holdfast sets. */
const ownedNodeValues = {
  autoResendUnfulfilledCommands: false,
  reconnectOnError: null,
} as const;

/** holdfast's own options of a cluster (the rest are ioredis's `ClusterOptions`). */
export interface RedisClusterOwnOptions {
  /** The target's name in states, errors and logs. @default `redis cluster <first node>` */
  readonly targetName?: string;
  /**
   * The policy of the cluster's reconnects and of each command's retries (a node lost, CLUSTERDOWN,
   * TRYAGAIN), over `REDIS_RETRY_*` over the Redis defaults (3 retries, 0.5 s, 10 s). Size it to
   * cover a failover: `cluster-node-timeout` plus the replica's election.
   */
  readonly retry?: RetryOptions;
  readonly classifier?: ErrorClassifier;
  readonly budget?: RetryBudgetHook;
  /** Environment for `REDIS_RETRY_*`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly random?: Random;
}

export type RedisClusterOptions = RedisClusterOwnOptions &
  Omit<ClusterOptions, keyof typeof ownedClusterOptions>;

const ownKeys: ReadonlySet<string> = new Set([
  'targetName',
  'retry',
  'classifier',
  'budget',
  'env',
  'clock',
  'random',
]);

export interface ResolvedRedisClusterOptions {
  readonly targetName: string;
  readonly policy: RetryPolicy;
  readonly ioredis: ClusterOptions;
  readonly clock: Clock;
  readonly random: Random;
  readonly own: RedisClusterOwnOptions;
}

/**
 * Validates a cluster's options eagerly and prepares ioredis's: holdfast's values for the options
 * it owns, `maxRedirections` raised by `retry.maxRetries` (a retry after a lost node counts as a
 * redirection for ioredis; MOVED keeps its own allowance).
 *
 * @throws {ConfigurationError} an option holdfast owns, a malformed `retry` or `REDIS_RETRY_*`
 */
export function resolveRedisClusterOptions(
  options: RedisClusterOptions,
  firstNode: string,
): ResolvedRedisClusterOptions {
  const untyped: unknown = options;
  if (typeof untyped !== 'object' || untyped === null || Array.isArray(untyped)) {
    throw new ConfigurationError(
      `Expected the Redis cluster options to be an object, got ${describe(untyped)}.`,
    );
  }
  const own: Record<string, unknown> = {};
  const passed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (Object.hasOwn(ownedClusterOptions, key)) {
      throw new ConfigurationError(
        `The ioredis Cluster option \`${key}\` is managed by holdfast: ${ownedClusterOptions[key as keyof typeof ownedClusterOptions]}. Remove it.`,
        { option: key },
      );
    }
    (ownKeys.has(key) ? own : passed)[key] = value;
  }
  const resolvedOwn = own as RedisClusterOwnOptions;
  const defaults = retryPolicyFromEnv('REDIS', redisRetryDefaults, resolvedOwn.env ?? process.env);
  const policy = resolveRetryPolicy(
    resolvedOwn.retry ?? {},
    defaults,
    'Redis cluster `retry` options',
  );
  const given = passed as ClusterOptions;
  return {
    targetName: resolvedOwn.targetName ?? `redis cluster ${firstNode}`,
    policy,
    clock: resolvedOwn.clock ?? systemClock,
    random: resolvedOwn.random ?? systemRandom,
    own: resolvedOwn,
    ioredis: {
      ...given,
      redisOptions: { ...given.redisOptions, ...ownedNodeValues },
      maxRedirections: (given.maxRedirections ?? 16) + policy.maxRetries,
      clusterNodeRetryStrategy: null,
      // Set per retry by holdfast (clusterCommandRetry.ts); these values are never used.
      retryDelayOnFailover: 1,
      retryDelayOnClusterDown: 1,
      retryDelayOnTryAgain: 1,
      enableOfflineQueue: true,
      lazyConnect: true,
    },
  };
}
