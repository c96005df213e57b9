import { jitterModes } from '../backoff/jitter.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import {
  describe,
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
 * The longest delay a timer can hold (2^31 - 1 ms, about 24.8 days): Node fires a longer
 * `setTimeout` after 1 ms instead, which would turn a backoff into a busy loop.
 */
export const maxDelayLimitMs = 2_147_483_647;

/**
 * Merges options over defaults (explicit option > environment > default: pass the environment's
 * options as `defaults`) and validates eagerly.
 *
 * Ranges: `maxRetries` a whole number in [0, 10000]; `baseDelayMs` and `maxDelayMs` finite,
 * >= 0 and <= 2^31 - 1 ms, with `maxDelayMs` >= `baseDelayMs`; `exponentialBase` and
 * `throttledDelayFactor` finite and >= 1; `maxElapsedMs` finite and >= 1 when given; `jitter`
 * one of `jitterModes`. The result is frozen.
 *
 * @throws {ConfigurationError} an unknown key, a value of the wrong type or range, or
 *   `maxDelayMs` < `baseDelayMs`; the message names the option and the value, and
 *   `error.option` is the key.
 * @example
 * const policy = resolveRetryPolicy({ maxRetries: 5 }, redisRetryDefaults);
 * policy.baseDelayMs; // 500
 */
export function resolveRetryPolicy(
  options: RetryOptions = {},
  defaults: RetryPolicy = mysqlRetryDefaults,
  where = 'RetryOptions',
): RetryPolicy {
  // Callers from JavaScript can pass anything.
  const untyped: unknown = options;
  if (typeof untyped !== 'object' || untyped === null || Array.isArray(untyped)) {
    throw new ConfigurationError(`Expected ${where} to be an object, got ${describe(untyped)}.`);
  }
  rejectUnknownKeys(options, retryOptionKeys, where);
  // `undefined` means "not given"; `null` from JavaScript is a value, and is rejected.
  const pick = (key: keyof RetryPolicy): unknown => {
    const given: unknown = (options as Record<string, unknown>)[key];
    return given === undefined ? defaults[key] : given;
  };

  const maxRetries = expectInteger('maxRetries', pick('maxRetries'), 0);
  if (maxRetries > maxRetriesLimit) {
    throw new ConfigurationError(
      `Expected \`maxRetries\` (${maxRetries}) to be <= ${maxRetriesLimit}.`,
      { option: 'maxRetries' },
    );
  }
  const baseDelayMs = expectFiniteNumber('baseDelayMs', pick('baseDelayMs'), 0);
  const maxDelayMs = expectFiniteNumber('maxDelayMs', pick('maxDelayMs'), 0);
  if (maxDelayMs > maxDelayLimitMs) {
    throw new ConfigurationError(
      `Expected \`maxDelayMs\` (${maxDelayMs}) to be <= ${maxDelayLimitMs} (the longest timer Node can hold).`,
      { option: 'maxDelayMs' },
    );
  }
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
