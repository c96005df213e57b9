import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import { mysqlRetryDefaults } from '../retry/RetryOptions.js';
import type { ConnectionRetryOptions } from './ConnectionRetryOptions.js';
import { DatabaseConnectionRetry } from './DatabaseConnectionRetry.js';

/**
 * A `DatabaseConnectionRetry` with the environment applied: option > `DB_RETRY_MAX_ATTEMPTS`,
 * `DB_RETRY_BASE_DELAY`, `DB_RETRY_MAX_DELAY` (seconds) > default. A new instance per call.
 *
 * @param env @default process.env
 * @throws {ConfigurationError} a malformed variable (named in the message and `error.option`)
 *   or option
 * @example
 * const retry = getDbConnectionRetry({ maxRetries: 5, baseDelayMs: 2000, maxDelayMs: 60000 });
 */
export function getDbConnectionRetry(
  options: ConnectionRetryOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): DatabaseConnectionRetry {
  return new DatabaseConnectionRetry(options, retryPolicyFromEnv('DB', mysqlRetryDefaults, env));
}
