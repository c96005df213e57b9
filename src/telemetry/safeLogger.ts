import { safeInvoke } from '../internal/safeInvoke.js';
import type { Logger } from './Logger.js';
import { isPinoLogger, pinoLogger } from './pinoLogger.js';
import { redact } from './redact.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** A logger that redacts, never throws, and says which levels it writes. */
export type SafeLogger = Required<Logger>;

/**
 * Wraps a user's logger so that every line is redacted (message and string field values, one
 * level deep) and a throwing logger never breaks the caller. Every log line holdfast writes goes
 * through one of these. A pino logger (`isPinoLogger`) is recognised and called with its own
 * `(fields, message)` order, so `logger: pino()` keeps every field. A line at a level the logger
 * drops (`isLevelEnabled(level)` false, pino's own level check, or `debug` on a logger without it) is
 * neither redacted nor passed on; callers that format a line ask `isLevelEnabled(level)` first, so a
 * silent logger costs no string building.
 *
 * @example
 * const log = safeLogger(options.logger ?? defaultLogger());
 * if (log.isLevelEnabled('error')) log.error(`Failed to get database connection: ${describeError(error)}`);
 */
export function safeLogger(given: Logger): SafeLogger {
  const known = safeLoggers.get(given);
  if (known !== undefined) return known;
  const logger = isPinoLogger(given) ? pinoLogger(given) : given;
  const enabled = (level: Level): boolean => {
    if (level === 'debug' && logger.debug === undefined) return false;
    if (logger.isLevelEnabled === undefined) return true;
    // A level check that throws counts as "written": the line is not lost to a bug.
    return safeInvoke(() => logger.isLevelEnabled?.(level)) ?? true;
  };
  const emit =
    (level: Level) =>
    (message: string, fields?: object): void => {
      if (!enabled(level)) return;
      safeInvoke(() => {
        const line = redact(message);
        const safeFields = fields === undefined ? undefined : redactFields(fields);
        if (level === 'debug') logger.debug?.(line, safeFields);
        else logger[level](line, safeFields);
      });
    };
  const wrapped: SafeLogger = {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    isLevelEnabled: enabled,
  };
  safeLoggers.set(given, wrapped);
  safeLoggers.set(wrapped, wrapped);
  return wrapped;
}

const safeLoggers = new WeakMap<Logger, SafeLogger>();

/** A copy of `fields` whose string values (and Error values, as messages) are redacted. */
export function redactFields(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = redact(value);
    else if (value instanceof Error) out[key] = redact(value.message || value.name);
    else if (typeof value === 'object' && value !== null) out[key] = redact(safeJson(value));
    else out[key] = value;
  }
  return out;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}
