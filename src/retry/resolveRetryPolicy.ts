import { jitterModes } from '../backoff/jitter.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import {
  expectFiniteNumber,
  expectInteger,
  expectOneOf,
  rejectUnknownKeys,
} from '../internal/validate.js';
import {
  type RetryOptions,
  type RetryPolicy,
  mysqlRetryDefaults,
  retryOptionKeys,
} from './RetryOptions.js';

/** The largest `maxRetries` accepted: beyond it a loop is a hang, not a retry policy. */
export const maxRetriesLimit = 10_000;

/**
 * Merges options over defaults (explicit option > environment > default: pass the environment's
 * options as `defaults`) and validates eagerly.
 *
 * @throws {ConfigurationError} an unknown key, a value of the wrong type or range, or
 *   `maxDelayMs` < `baseDelayMs`; the message names the option and the value.
 */
export function resolveRetryPolicy(
  options: RetryOptions = {},
  defaults: RetryPolicy = mysqlRetryDefaults,
  where = 'RetryOptions',
): RetryPolicy {
  // Callers from JavaScript can pass anything.
  const untyped: unknown = options;
  if (typeof untyped !== 'object' || untyped === null) {
    throw new ConfigurationError(`Expected ${where} to be an object.`);
  }
  rejectUnknownKeys(options, retryOptionKeys, where);
  const pick = <K extends keyof RetryPolicy>(key: K): RetryPolicy[K] =>
    (options as Partial<RetryPolicy>)[key] ?? defaults[key];

  const maxRetries = expectInteger('maxRetries', pick('maxRetries'), 0);
  if (maxRetries > maxRetriesLimit) {
    throw new ConfigurationError(
      `Expected \`maxRetries\` (${maxRetries}) to be <= ${maxRetriesLimit}.`,
      { option: 'maxRetries' },
    );
  }
  const baseDelayMs = expectFiniteNumber('baseDelayMs', pick('baseDelayMs'), 0);
  const maxDelayMs = expectFiniteNumber('maxDelayMs', pick('maxDelayMs'), 0);
  if (maxDelayMs < baseDelayMs) {
    throw new ConfigurationError(
      `Expected \`maxDelayMs\` (${maxDelayMs}) to be >= \`baseDelayMs\` (${baseDelayMs}).`,
      { option: 'maxDelayMs' },
    );
  }
  const exponentialBase = expectFiniteNumber('exponentialBase', pick('exponentialBase'), 1);
  const jitter = expectOneOf('jitter', pick('jitter'), jitterModes);
  const elapsed = pick('maxElapsedMs');
  const maxElapsedMs =
    elapsed === undefined ? undefined : expectFiniteNumber('maxElapsedMs', elapsed, 1);
  const throttledDelayFactor = expectFiniteNumber(
    'throttledDelayFactor',
    pick('throttledDelayFactor'),
    1,
  );
  return Object.freeze({
    maxRetries,
    baseDelayMs,
    maxDelayMs,
    exponentialBase,
    jitter,
    maxElapsedMs,
    throttledDelayFactor,
  });
}
