import type { Clock } from '../../internal/Clock.js';
import { systemClock } from '../../internal/Clock.js';
import { type Random, systemRandom } from '../../internal/Random.js';
import { ConfigurationError } from '../../errors/ConfigurationError.js';
import { describe, expectInteger } from '../../internal/validate.js';

/** How a namespace picks among its nodes (mysql2's selectors). */
export type ClusterSelector = 'RR' | 'RANDOM' | 'ORDER';

const selectors: readonly ClusterSelector[] = ['RR', 'RANDOM', 'ORDER'];

/**
 * `createPoolCluster`'s options: mysql2's `PoolClusterOptions` plus holdfast's. Keys neither
 * knows are ignored, as mysql2 ignores them (TypeORM passes its whole `replication` object).
 */
export interface PoolClusterOptions {
  /** The cluster's name in state, errors and warnings. @default 'mysql-cluster' */
  readonly name?: string;
  /**
   * mysql2's: when a node gives up on a checkout or statement that never reached its server,
   * the call goes to another node of the same kind (within `checkoutTimeoutMs`). @default true
   */
  readonly canRetry?: boolean;
  /**
   * mysql2's: accepted and not used. A node is offline while its own reconnect loop says so
   * (one loop per node), not after a count of errors.
   */
  readonly removeNodeErrorCount?: number;
  /**
   * mysql2's name: how long after a node's reconnect loop gave up the cluster starts it again,
   * ms. `0`: never by itself (a node whose loop gave up reconnects when its own pool is used).
   * @default 5000
   */
  readonly restoreNodeTimeout?: number;
  /** mysql2's: the selector of `of(pattern)` when none is given. @default 'RR' */
  readonly defaultSelector?: string;
  /**
   * The longest one call (a checkout, a statement, `ready()`) waits for a node of the kind it
   * asked for: for a primary while the old one is down and a replica is being promoted, ms.
   * Size it to cover your failover (detection + promotion). @default 10000
   */
  readonly checkoutTimeoutMs?: number;
  /**
   * While a write waits for a primary, how often the connected nodes are asked whether they
   * accept writes (`SELECT @@global.read_only`), ms. @default 500
   */
  readonly roleCheckIntervalMs?: number;
  /** Time seam (tests). @default the system clock */
  readonly clock?: Clock;
  /** Randomness seam for the `RANDOM` selector (tests). @default Math.random */
  readonly random?: Random;
}

/** The options with every default filled in. */
export interface ResolvedPoolClusterOptions {
  readonly name: string;
  readonly canRetry: boolean;
  readonly restoreNodeTimeout: number;
  readonly defaultSelector: ClusterSelector;
  readonly checkoutTimeoutMs: number;
  readonly roleCheckIntervalMs: number;
  readonly clock: Clock;
  readonly random: Random;
}

const where = 'createPoolCluster options';

/**
 * Checks holdfast's keys and mysql2's and fills in the defaults.
 *
 * @throws {ConfigurationError} a value of the wrong shape or range; `error.option` names it
 */
export function parsePoolClusterOptions(
  options: PoolClusterOptions = {},
): ResolvedPoolClusterOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ConfigurationError(`Expected the ${where} to be an object, got ${describe(given)}.`);
  }
  const name = options.name ?? 'mysql-cluster';
  if (typeof name !== 'string' || name === '') {
    throw new ConfigurationError(
      `Expected \`name\` (${describe(name)}) to be a non-empty string in the ${where}.`,
      { option: 'name' },
    );
  }
  const canRetry = options.canRetry ?? true;
  if (typeof canRetry !== 'boolean') {
    throw new ConfigurationError(
      `Expected \`canRetry\` (${describe(canRetry)}) to be a boolean in the ${where}.`,
      { option: 'canRetry' },
    );
  }
  return {
    name,
    canRetry,
    restoreNodeTimeout: expectInteger('restoreNodeTimeout', options.restoreNodeTimeout ?? 5000, 0),
    defaultSelector: parseSelector('defaultSelector', options.defaultSelector ?? 'RR'),
    checkoutTimeoutMs: expectInteger('checkoutTimeoutMs', options.checkoutTimeoutMs ?? 10_000, 1),
    roleCheckIntervalMs: expectInteger(
      'roleCheckIntervalMs',
      options.roleCheckIntervalMs ?? 500,
      1,
    ),
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
  };
}

/**
 * A selector name, case-insensitive as mysql2 takes it.
 *
 * @throws {ConfigurationError} not one of RR, RANDOM, ORDER
 */
export function parseSelector(option: string, value: unknown): ClusterSelector {
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (!selectors.includes(upper as ClusterSelector)) {
    throw new ConfigurationError(
      `Expected \`${option}\` (${describe(value)}) to be one of ${selectors.map((s) => `'${s}'`).join(', ')}.`,
      { option },
    );
  }
  return upper as ClusterSelector;
}
