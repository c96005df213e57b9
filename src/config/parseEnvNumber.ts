import { ConfigurationError } from '../errors/ConfigurationError.js';

const decimal = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * Reads one numeric environment variable. Unset or empty means "not configured"; anything else
 * must be a plain non-negative decimal ("1", "0.5", "30.0"): no sign, exponent, hex, spaces,
 * NaN or Infinity.
 *
 * @throws {ConfigurationError} naming the variable and its value
 */
export function parseEnvNumber(
  env: Readonly<Record<string, string | undefined>>,
  variable: string,
  kind: 'seconds' | 'count',
): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!decimal.test(raw) || !Number.isFinite(value)) {
    throw new ConfigurationError(
      `Environment variable ${variable}=${JSON.stringify(raw)} is not a valid ${kind === 'seconds' ? 'number of seconds (e.g. 1.5)' : 'whole number (e.g. 3)'}. Fix or unset ${variable}.`,
      { option: variable },
    );
  }
  if (kind === 'count' && !Number.isSafeInteger(value)) {
    throw new ConfigurationError(
      `Environment variable ${variable}=${JSON.stringify(raw)} must be a whole number of retries (e.g. 3). Fix or unset ${variable}.`,
      { option: variable },
    );
  }
  return value;
}
