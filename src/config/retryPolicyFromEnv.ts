import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type RetryPolicy, mysqlRetryDefaults, redisRetryDefaults } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { parseEnvNumber } from './parseEnvNumber.js';

/** The prefix of a target family's variables: `DB_RETRY_*` or `REDIS_RETRY_*`. */
export type EnvPrefix = 'DB' | 'REDIS';

/**
 * The defaults with the environment applied: `<PREFIX>_RETRY_MAX_ATTEMPTS` (= maxRetries),
 * `<PREFIX>_RETRY_BASE_DELAY` and `<PREFIX>_RETRY_MAX_DELAY` (seconds, converted to ms).
 * Unset or empty variables leave the default. Pass the result as `defaults` (RetryHandler) or
 * `retryDefaults` (ConnectionManager): explicit options are merged over it, so
 * option > environment > default.
 *
 * @param defaults @default the MySQL defaults for `'DB'`, the Redis defaults for `'REDIS'`
 *
 * @throws {ConfigurationError} a malformed or out-of-range value, or a max delay below the base
 *   delay; `error.option` is the variable's name and the message names it and its value
 * @example
 * const policy = retryPolicyFromEnv('DB', undefined, { DB_RETRY_BASE_DELAY: '2.5' });
 * policy.baseDelayMs; // 2500
 */
export function retryPolicyFromEnv(
  prefix: EnvPrefix,
  defaults: RetryPolicy = prefix === 'REDIS' ? redisRetryDefaults : mysqlRetryDefaults,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RetryPolicy {
  const attemptsVar = `${prefix}_RETRY_MAX_ATTEMPTS`;
  const baseVar = `${prefix}_RETRY_BASE_DELAY`;
  const maxVar = `${prefix}_RETRY_MAX_DELAY`;
  const maxRetries = parseEnvNumber(env, attemptsVar, 'count');
  const baseSeconds = parseEnvNumber(env, baseVar, 'seconds');
  const maxSeconds = parseEnvNumber(env, maxVar, 'seconds');
  const baseDelayMs = baseSeconds === undefined ? defaults.baseDelayMs : secondsToMs(baseSeconds);
  const maxDelayMs = maxSeconds === undefined ? defaults.maxDelayMs : secondsToMs(maxSeconds);
  if (maxDelayMs < baseDelayMs) {
    throw new ConfigurationError(
      `${maxVar} (${maxDelayMs / 1000} s) must be >= ${baseVar} (${baseDelayMs / 1000} s). Raise ${maxVar} or lower ${baseVar}.`,
      { option: maxSeconds === undefined ? baseVar : maxVar },
    );
  }
  try {
    return resolveRetryPolicy(
      { ...(maxRetries === undefined ? {} : { maxRetries }), baseDelayMs, maxDelayMs },
      defaults,
    );
  } catch (error) {
    const variable =
      error instanceof ConfigurationError
        ? { maxRetries: attemptsVar, baseDelayMs: baseVar, maxDelayMs: maxVar }[error.option ?? '']
        : undefined;
    if (variable !== undefined && error instanceof Error) {
      throw new ConfigurationError(
        `Environment variable ${variable}=${JSON.stringify(env[variable] ?? '')} is out of range: ${error.message} Fix or unset ${variable}.`,
        { option: variable, cause: error },
      );
    }
    throw error;
  }
}

/** Seconds to milliseconds without float noise (1.1 s is 1100 ms, not 1100.0000000000002). */
function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1000;
}
