import { safeInvoke } from '../internal/safeInvoke.js';
import type { Logger } from './Logger.js';
import { isPinoLogger, pinoLogger } from './pinoLogger.js';
import { redact } from './redact.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Wraps a user's logger so that every line is redacted (message and string field values, one
 * level deep) and a throwing logger never breaks the caller. Every log line holdfast writes goes
 * through one of these. A pino logger (`isPinoLogger`) is recognised and called with its own
 * `(fields, message)` order, so `logger: pino()` keeps every field.
 *
 * @example
 * const log = safeLogger(options.logger ?? defaultLogger());
 * log.error(`Failed to get database connection: ${describeError(error)}`);
 */
export function safeLogger(given: Logger): Logger {
  if (safeLoggers.has(given)) return given;
  const logger = isPinoLogger(given) ? pinoLogger(given) : given;
  const emit =
    (level: Level) =>
    (message: string, fields?: object): void => {
      safeInvoke(() => {
        const line = redact(message);
        const safeFields = fields === undefined ? undefined : redactFields(fields);
        if (level === 'debug') logger.debug?.(line, safeFields);
        else logger[level](line, safeFields);
      });
    };
  const wrapped: Logger = {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
  };
  safeLoggers.add(wrapped);
  return wrapped;
}

const safeLoggers = new WeakSet<Logger>();

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
