import { promisePool } from './createPool.js';
import type { DatabasePoolConfig } from './DatabasePoolConfig.js';
import { decoratePool } from './decoratePool.js';
import type { HoldfastPromisePool } from './HoldfastPool.js';
import { parseDatabasePoolConfig } from './parseDatabasePoolConfig.js';

/** The reference design's pool: mysql2's `PromisePool` with holdfast's additions. */
export type DatabasePool = HoldfastPromisePool;

/**
 * The reference design's `create_database_pool`: the same decorated mysql2 pool as
 * `holdfast/mysql2/promise`'s `createPool`, named with `pool_name` / `pool_size` (or camelCase),
 * and checked strictly: every key must be known (a typo such as `conectTimeout` is refused). The
 * first checkout (or `pool.ready()`) connects, retrying with the `retry` policy merged over
 * `DB_RETRY_MAX_ATTEMPTS`, `DB_RETRY_BASE_DELAY` and `DB_RETRY_MAX_DELAY` (seconds) and the
 * defaults (3 retries, 1 s base, 30 s max).
 *
 * @throws {ConfigurationError} an unknown key, a malformed value, or a malformed DB_RETRY_*
 *   variable; the message names it, never a password
 * @example
 * const pool = createDatabasePool({
 *   pool_name: 'myapp_pool',
 *   pool_size: 10,
 *   host: 'localhost',
 *   database: 'mydb',
 *   user: 'user',
 *   password: process.env.DB_PASSWORD,
 * });
 * const connection = await pool.getConnection(); // retries automatically
 * connection.release();
 */
export function createDatabasePool(config: DatabasePoolConfig): DatabasePool {
  return promisePool(decoratePool(parseDatabasePoolConfig(config)));
}
