// holdfast/mysql2/promise has the shape of `mysql2/promise`: its createPool returns mysql2's own
// PromisePool over a holdfast pool, its createConnection mysql2's PromiseConnection over a
// holdfast connection; everything else is mysql2/promise's, re-exported as it is.
import type * as Mysql2Promise from 'mysql2/promise';
import { mysqlPromiseModule } from './mysql2Module.js';

const mysqlPromise = mysqlPromiseModule();
import { createPromiseConnection } from './createConnection.js';
import type { HoldfastConnectionConfig } from './createConnection.js';
import { type PoolConfig, createPool as createCorePool, promisePool } from './createPool.js';
import type { HoldfastPromisePool } from './HoldfastPool.js';
import { createPromisePoolCluster as createPoolCluster } from './createPoolCluster.js';

export { createPoolCluster };

/**
 * `mysql2/promise`'s `createPool`, decorated: mysql2's `PromisePool` whose `.pool` is a
 * HoldfastPool (see `holdfast/mysql2`'s `createPool`), with `state$`, `events$`, `ready()`,
 * `metrics()`, `transaction()` and `close()` added.
 *
 * @throws {ConfigurationError} a malformed holdfast option or `DB_RETRY_*` variable
 * @example
 * import mysql from 'holdfast/mysql2/promise';
 * const pool = mysql.createPool({ host: 'localhost', user: 'app', database: 'shop' });
 * const [rows] = await pool.query('SELECT 1 AS one');
 */
export function createPool(config: PoolConfig): HoldfastPromisePool {
  return promisePool(createCorePool(config));
}

/** `mysql2/promise`'s `createConnection`, decorated (see `holdfast/mysql2`'s `createConnection`). */
export function createConnection(
  config: HoldfastConnectionConfig,
): ReturnType<typeof createPromiseConnection> {
  return createPromiseConnection(config);
}

// mysql2/promise's own, unchanged (typed as mysql2's).
export const escape: typeof Mysql2Promise.escape = mysqlPromise.escape;
export const escapeId: typeof Mysql2Promise.escapeId = mysqlPromise.escapeId;
export const format: typeof Mysql2Promise.format = mysqlPromise.format;
export const raw: typeof Mysql2Promise.raw = mysqlPromise.raw;
export const setMaxParserCache: typeof Mysql2Promise.setMaxParserCache =
  mysqlPromise.setMaxParserCache;
export const clearParserCache: typeof Mysql2Promise.clearParserCache =
  mysqlPromise.clearParserCache;
export const Types: typeof Mysql2Promise.Types = mysqlPromise.Types;

/** mysql2/promise's module type, with holdfast's factories. */
export type HoldfastMysql2PromiseModule = Omit<
  typeof Mysql2Promise,
  'createPool' | 'createConnection' | 'createPoolCluster'
> & {
  readonly createPool: typeof createPool;
  readonly createConnection: typeof createConnection;
  readonly createPoolCluster: typeof createPoolCluster;
};

const holdfastMysql2Promise: HoldfastMysql2PromiseModule = Object.assign(
  Object.create(mysqlPromise) as typeof Mysql2Promise,
  {
    createPool,
    createConnection,
    createPoolCluster,
  },
);
// The drop-in needs the shape of mysql2/promise's CommonJS module, whose default export is the module.
// eslint-disable-next-line no-restricted-syntax
export default holdfastMysql2Promise;
