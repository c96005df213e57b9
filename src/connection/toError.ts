import { describeError } from '../telemetry/redact.js';

/**
 * States carry `Error` values; a driver or user callback may throw anything. A non-Error is
 * wrapped (its redacted text as message, the value itself as `cause`); an Error is kept as is.
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(`Non-Error value thrown: ${describeError(value)}`, { cause: value });
}
