import { isLevelEnabled, type LogLevel } from './logLevel.js';
import type { Logger } from './Logger.js';

export interface ConsoleLoggerOptions {
  /** Lines below this level are dropped. @default 'info' */
  readonly level?: LogLevel;
  /** Where a formatted line goes. @default console.error (stderr, away from a CLI's output) */
  readonly write?: (line: string) => void;
}

type LineLevel = Exclude<LogLevel, 'silent'>;

/**
 * A logger that prints `LEVEL: message key=value ...` lines, the reference design's format
 * (`INFO: Attempting to connect to mysql-main`). Fields are appended as `key=value`, strings
 * with spaces or quotes JSON-quoted.
 *
 * @example
 * const logger = consoleLogger({ level: 'warn' });
 * logger.warn('Retrying connect mysql-main in 1000 ms', { attempt: 1 }); // WARN: Retrying ... attempt=1
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write =
    options.write ??
    ((line: string) => {
      console.error(line);
    });
  const emit = (lineLevel: LineLevel) => (message: string, fields?: object) => {
    if (isLevelEnabled(level, lineLevel)) write(formatLine(lineLevel, message, fields));
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    isLevelEnabled: (lineLevel) => isLevelEnabled(level, lineLevel),
  };
}

/** `WARN: message a=1 b="two words"`. */
export function formatLine(level: LineLevel, message: string, fields?: object): string {
  let line = `${level.toUpperCase()}: ${message}`;
  if (fields === undefined) return line;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    line += ` ${key}=${formatValue(value)}`;
  }
  return line;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"'=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  try {
    const json = JSON.stringify(value) as string | undefined;
    return json ?? typeof value;
  } catch {
    return '[unserializable]';
  }
}
