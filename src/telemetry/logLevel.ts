import { ConfigurationError } from '../errors/ConfigurationError.js';

/** How much a holdfast console logger prints; `silent` prints nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Every level, from the most verbose. */
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** The environment variable that switches the default logger on. */
export const logLevelVariable = 'HOLDFAST_LOG_LEVEL';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** True when a line of level `line` is printed by a logger set to `threshold`. */
export function isLevelEnabled(threshold: LogLevel, line: Exclude<LogLevel, 'silent'>): boolean {
  return rank[line] >= rank[threshold];
}

/**
 * Reads `HOLDFAST_LOG_LEVEL` (case-insensitive; empty counts as unset).
 *
 * @returns the level, or `undefined` when the variable is not set
 * @throws {ConfigurationError} the value is not one of debug, info, warn, error, silent
 */
export function logLevelFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LogLevel | undefined {
  const raw = env[logLevelVariable]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const level = raw.toLowerCase();
  if ((logLevels as readonly string[]).includes(level)) return level as LogLevel;
  throw new ConfigurationError(
    `Expected ${logLevelVariable} to be one of ${logLevels.join(', ')}, got ${JSON.stringify(raw)}. Set it to one of those or unset it.`,
    { option: logLevelVariable },
  );
}
