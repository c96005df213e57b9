import { consoleLogger } from './consoleLogger.js';
import { logLevelFromEnv } from './logLevel.js';
import { type Logger, silentLogger } from './Logger.js';

/**
 * The logger used when none is given: silent, unless `HOLDFAST_LOG_LEVEL` (debug | info | warn |
 * error | silent) asks for a `consoleLogger` at that level. A library that prints uninvited is a
 * nuisance; one environment variable turns the reference design's lines on.
 *
 * @throws {ConfigurationError} HOLDFAST_LOG_LEVEL holds an unknown level
 * @example
 * // HOLDFAST_LOG_LEVEL=info node app.js  ->  INFO: Attempting to connect to mysql-main
 * const logger = defaultLogger();
 */
export function defaultLogger(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Logger {
  const level = logLevelFromEnv(env);
  return level === undefined || level === 'silent' ? silentLogger : consoleLogger({ level });
}
