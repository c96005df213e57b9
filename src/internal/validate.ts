import { ConfigurationError } from '../errors/ConfigurationError.js';

/**
 * Eager option validation in the style of p-retry and tarn: every message names the option and
 * the value, e.g. "Expected `maxDelayMs` (100) to be >= `baseDelayMs` (1000)".
 */
export function rejectUnknownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigurationError(
        `Unknown option \`${key}\` in ${where}. Known options: ${known.map((k) => `\`${k}\``).join(', ')}.`,
        { option: key },
      );
    }
  }
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
