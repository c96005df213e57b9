import { type RetryPolicy, mysqlRetryDefaults } from '../retry/RetryOptions.js';
import { ConnectionRetry } from './ConnectionRetry.js';
import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';

/**
 * The reference design's retry for MySQL connections: maxRetries 3, baseDelayMs 1000,
 * maxDelayMs 30000, exponentialBase 2, jitter x[0.5, 1.5]; errors classified by the MySQL and
 * network tables (authentication and syntax errors are tried once).
 *
 * The constructor applies the options over the defaults; `getDbConnectionRetry` also applies
 * the `DB_RETRY_*` environment variables.
 *
 * @param defaults what the options are merged over. @default mysqlRetryDefaults
 * @throws {ConfigurationError} an unknown option key or a malformed value
 * @example
 * const retry = new DatabaseConnectionRetry({ maxRetries: 3 });
 * const connection = await retry.connectWithRetry(() => mysql.createConnection(config), 'mysql-main');
 * const rows = await retry.executeWithRetry(() => connection.query('SELECT * FROM users'), 'fetch users');
 */
export class DatabaseConnectionRetry extends ConnectionRetry {
  constructor(options: ConnectionRetryOptions = {}, defaults: RetryPolicy = mysqlRetryDefaults) {
    super(options, defaults, {
      className: 'DatabaseConnectionRetry',
      system: 'mysql',
      table: 'mysql',
      defaultName: 'mysql',
    });
  }
}
