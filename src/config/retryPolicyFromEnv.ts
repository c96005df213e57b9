import { ConfigurationError } from '../errors/ConfigurationError.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { parseEnvNumber } from './parseEnvNumber.js';

/** The prefix of a target family's variables: `DB_RETRY_*` or `REDIS_RETRY_*`. */
export type EnvPrefix = 'DB' | 'REDIS';

/**
 * The defaults with the environment applied: `<PREFIX>_RETRY_MAX_ATTEMPTS` (= maxRetries),
 * `<PREFIX>_RETRY_BASE_DELAY` and `<PREFIX>_RETRY_MAX_DELAY` (seconds). Explicit options are
 * merged over the result by the caller, so option > environment > default.
 *
 * @throws {ConfigurationError} a malformed value, or a max delay below the base delay
 */
export function retryPolicyFromEnv(
  prefix: EnvPrefix,
  defaults: RetryPolicy,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RetryPolicy {
  const attemptsVar = `${prefix}_RETRY_MAX_ATTEMPTS`;
  const baseVar = `${prefix}_RETRY_BASE_DELAY`;
  const maxVar = `${prefix}_RETRY_MAX_DELAY`;
  const maxRetries = parseEnvNumber(env, attemptsVar, 'count');
  const baseSeconds = parseEnvNumber(env, baseVar, 'seconds');
  const maxSeconds = parseEnvNumber(env, maxVar, 'seconds');
  const baseDelayMs = baseSeconds === undefined ? defaults.baseDelayMs : baseSeconds * 1000;
  const maxDelayMs = maxSeconds === undefined ? defaults.maxDelayMs : maxSeconds * 1000;
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
    if (error instanceof ConfigurationError && error.option === 'maxRetries') {
      throw new ConfigurationError(
        `Environment variable ${attemptsVar}=${JSON.stringify(env[attemptsVar])} is out of range: ${error.message}`,
        { option: attemptsVar, cause: error },
      );
    }
    throw error;
  }
}
