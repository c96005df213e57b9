import { DatabasePool } from './DatabasePool.js';
import type { DatabasePoolConfig } from './DatabasePoolConfig.js';
import { mysql2Driver } from './mysql2Driver.js';
import { parseDatabasePoolConfig } from './parseDatabasePoolConfig.js';

/**
 * Creates a DatabasePool over mysql2 (the reference design's `create_database_pool`). Validates
 * the whole config first and opens nothing: the first checkout (or `pool.ready()`) connects,
 * retrying with the `retry` policy merged over `DB_RETRY_MAX_ATTEMPTS`, `DB_RETRY_BASE_DELAY`
 * and `DB_RETRY_MAX_DELAY` (seconds) and the defaults (3 retries, 1 s base, 30 s max).
 *
 * @throws {ConfigurationError} an unknown key (a typo such as `conectTimeout`), a malformed
 *   value, or a malformed DB_RETRY_* variable; the message names it, never a password
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
  return new DatabasePool(parseDatabasePoolConfig(config), mysql2Driver);
}
