import { ConfigurationError } from '../errors/ConfigurationError.js';
import { didYouMean } from './suggestName.js';

/** A list of known options longer than this is not printed in an error: it would bury it. */
const listedOptionsMax = 12;

/**
 * Eager option validation in the style of p-retry and tarn: every message names the option and
 * the value, e.g. "Expected `maxDelayMs` (100) to be >= `baseDelayMs` (1000)". An unknown key is
 * one line: the key, and the option it most likely meant (`Did you mean \`keyPrefix\`?`), or the
 * known options when they are few.
 */
export function rejectUnknownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw unknownOptionError(key, known, where);
  }
}

/** The ConfigurationError for an unknown option `key` of `where` (see `rejectUnknownKeys`). */
export function unknownOptionError(
  key: string,
  known: readonly string[],
  where: string,
): ConfigurationError {
  const suggestion = didYouMean(key, known);
  const help =
    suggestion !== ''
      ? suggestion
      : known.length <= listedOptionsMax
        ? ` Known options: ${known.map((k) => `\`${k}\``).join(', ')}.`
        : ` It is none of the ${known.length} options of ${where} (docs/reference/options.md).`;
  return new ConfigurationError(`Unknown option \`${key}\` in ${where}.${help}`, { option: key });
}

export function expectFiniteNumber(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigurationError(
      `Expected \`${name}\` (${describe(value)}) to be a finite number >= ${min}.`,
      { option: name },
    );
  }
  return value;
}

export function expectInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigurationError(
      `Expected \`${name}\` (${describe(value)}) to be a whole number >= ${min}.`,
      { option: name },
    );
  }
  return value;
}

/** A duration in whole ms a timer can hold: [min, 2^31 - 1] (Node fires a longer one at once). */
export function expectTimerMs(name: string, value: unknown, min: number): number {
  const ms = expectInteger(name, value, min);
  if (ms > timerLimitMs) {
    throw new ConfigurationError(
      `Expected \`${name}\` (${ms}) to be <= ${timerLimitMs} ms (the longest timer Node.js can hold).`,
      { option: name },
    );
  }
  return ms;
}

const timerLimitMs = 2_147_483_647;

export function expectOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigurationError(
      `Expected \`${name}\` (${describe(value)}) to be one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
      { option: name },
    );
  }
  return value as T;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  if (typeof value === 'function') return 'a function';
  return Array.isArray(value) ? 'an array' : 'an object';
}
