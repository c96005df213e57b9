import type { Pool as PromisePool } from 'mysql2/promise';
import type { DatabasePoolConfig } from './DatabasePoolConfig.js';
import { decoratePool } from './decoratePool.js';
import type { HoldfastPool, HoldfastPoolExtras, HoldfastPromisePool } from './HoldfastPool.js';
import { parseDatabasePoolConfig } from './parseDatabasePoolConfig.js';
import { type PoolStatements, promiseStatements } from './poolStatements.js';

/** mysql2's pool options plus holdfast's (`retry`, `classifier`, `circuitBreaker`, ...), or a URI. */
export type PoolConfig = DatabasePoolConfig | string;

/**
 * mysql2's `createPool`, decorated: returns an instance of mysql2's own `Pool` (callback API,
 * `.promise()` works) whose checkouts wait for the server at the manager's gate and whose
 * statements are re-sent only when safe. The mysql2 half of the config is passed to mysql2 as
 * given (as mysql2 would take it); holdfast's keys are checked eagerly. Opens nothing until used.
 *
 * @throws {ConfigurationError} a malformed holdfast option or `DB_RETRY_*` variable
 * @example
 * import mysql from 'holdfast/mysql2';
 * const pool = mysql.createPool({ host: 'localhost', user: 'app', database: 'shop', name: 'shop' });
 * pool.query('SELECT 1 AS one', (error, rows) => console.log(error ?? rows));
 */
export function createPool(config: PoolConfig): HoldfastPool {
  const given = typeof config === 'string' ? { uri: config } : config;
  return decoratePool(parseDatabasePoolConfig(given, process.env, 'createPool config', false));
}

const extraKeys = [
  ...['name', 'policy', 'state$', 'events$', 'ready', 'metrics', 'transaction', 'close'],
] as const satisfies readonly Exclude<keyof HoldfastPoolExtras, 'state'>[];

/**
 * mysql2's `PromisePool` over a decorated pool (`.pool` is the HoldfastPool), with the same
 * holdfast additions delegating to it.
 */
export function promisePool(core: HoldfastPool): HoldfastPromisePool {
  const promise = core.promise() as PromisePool & Record<string, unknown>;
  // The core pool's additions are arrows over its runtime (no `this`): the same functions serve.
  for (const key of extraKeys) promise[key] = (core as unknown as Record<string, unknown>)[key];
  const run = (core as unknown as Record<symbol, PoolStatements['run'] | undefined>)[
    promiseStatements
  ];
  if (run === undefined) throw new TypeError('Expected a pool made by holdfast/mysql2 createPool.');
  const statement =
    (method: 'query' | 'execute') =>
    (sql: unknown, values?: unknown): Promise<[unknown, unknown]> => {
      if (typeof values === 'function') {
        throw new TypeError('Callback function is not available with promise clients.');
      }
      return run(method, sql, values);
    };
  Object.assign(promise, { query: statement('query'), execute: statement('execute') });
  Object.defineProperty(promise, 'state', { get: () => core.state, enumerable: true });
  const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
  Object.defineProperty(promise, inspectCustom, {
    value: (...args: unknown[]) =>
      (core as unknown as Record<symbol, (...a: unknown[]) => unknown>)[inspectCustom]?.(...args),
  });
  return promise as unknown as HoldfastPromisePool;
}
