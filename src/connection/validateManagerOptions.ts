import { ConfigurationError } from '../errors/ConfigurationError.js';
import { describe, expectFiniteNumber, rejectUnknownKeys } from '../internal/validate.js';
import { maxDelayLimitMs } from '../retry/resolveRetryPolicy.js';
import type { ConnectionManagerOptions } from './ConnectionManagerOptions.js';

const knownKeys = [
  'name',
  'connect',
  'disconnect',
  'verify',
  'lost',
  'mapError',
  'retry',
  'retryDefaults',
  'classifier',
  'circuitBreaker',
  'budget',
  'target',
  'connectTimeoutMs',
  'clock',
  'random',
  'probe',
  'waitLimitMs',
  'logger',
  'tracer',
  'meter',
] as const satisfies readonly (keyof ConnectionManagerOptions<unknown>)[];

const optionalFunctions = ['disconnect', 'verify', 'lost', 'mapError', 'random'] as const;

/**
 * Eager validation of a manager's options (the retry options are validated by
 * `resolveRetryPolicy`). Returns `connectTimeoutMs` with its default applied.
 *
 * @throws {ConfigurationError} an unknown key, a missing `name` or `connect`, a callback that is
 *   not a function, or a `connectTimeoutMs` outside [1, 2^31 - 1]
 */
export function validateManagerOptions(options: ConnectionManagerOptions<unknown>): number {
  const untyped: unknown = options;
  if (typeof untyped !== 'object' || untyped === null) {
    throw new ConfigurationError(
      `Expected ConnectionManager options to be an object, got ${describe(untyped)}.`,
    );
  }
  rejectUnknownKeys(options, knownKeys, 'ConnectionManager options');
  const record = options as unknown as Record<string, unknown>;
  if (typeof record.name !== 'string' || record.name === '') {
    throw new ConfigurationError(
      `Expected \`name\` (${describe(record.name)}) to be a non-empty string such as 'mysql-main'.`,
      { option: 'name' },
    );
  }
  if (typeof record.connect !== 'function') {
    throw new ConfigurationError(
      `Expected \`connect\` (${describe(record.connect)}) to be a function (signal) => Promise<connection>.`,
      { option: 'connect' },
    );
  }
  for (const key of optionalFunctions) {
    if (record[key] !== undefined && typeof record[key] !== 'function') {
      throw new ConfigurationError(
        `Expected \`${key}\` (${describe(record[key])}) to be a function.`,
        { option: key },
      );
    }
  }
  if (record.waitLimitMs !== undefined) {
    const limit = expectFiniteNumber('waitLimitMs', record.waitLimitMs, 0);
    if (limit > maxDelayLimitMs) {
      throw new ConfigurationError(
        `Expected \`waitLimitMs\` (${limit}) to be <= ${maxDelayLimitMs} (the longest timer Node can hold).`,
        { option: 'waitLimitMs' },
      );
    }
  }
  const timeout = record.connectTimeoutMs ?? 10_000;
  const connectTimeoutMs = expectFiniteNumber('connectTimeoutMs', timeout, 1);
  if (connectTimeoutMs > maxDelayLimitMs) {
    throw new ConfigurationError(
      `Expected \`connectTimeoutMs\` (${connectTimeoutMs}) to be <= ${maxDelayLimitMs} (the longest timer Node can hold).`,
      { option: 'connectTimeoutMs' },
    );
  }
  return connectTimeoutMs;
}
