import type { Logger } from './Logger.js';

/** One of pino's log methods: fields first, then the message. */
export type PinoMethod = (object: object, message?: string) => void;

/**
 * The part of a pino logger holdfast uses (pino is not imported: any object of this shape
 * works, such as `pino()` or `fastify.log`).
 */
export interface PinoLike {
  info: PinoMethod;
  warn: PinoMethod;
  error: PinoMethod;
  debug?: PinoMethod;
  /** pino's own level check; used so that dropped lines are never formatted. */
  isLevelEnabled?(level: string): boolean;
}

/**
 * Adapts pino's `(object, message)` signature to holdfast's `(message, fields)`: a line becomes
 * `pino.info(fields, message)`, so fields are structured properties of the record.
 *
 * @example
 * import pino from 'pino';
 * const manager = new ConnectionManager({ name: 'mysql-main', connect, logger: pinoLogger(pino()) });
 */
export function pinoLogger(pino: PinoLike): Logger {
  return {
    info: (message, fields) => {
      pino.info(fields ?? {}, message);
    },
    warn: (message, fields) => {
      pino.warn(fields ?? {}, message);
    },
    error: (message, fields) => {
      pino.error(fields ?? {}, message);
    },
    debug: (message, fields) => {
      pino.debug?.(fields ?? {}, message);
    },
    isLevelEnabled: (level) =>
      (level !== 'debug' || pino.debug !== undefined) && (pino.isLevelEnabled?.(level) ?? true),
  };
}

/**
 * True for a pino logger (`pino()`, `fastify.log`, a pino child): it has `child`, `bindings`
 * and a `levels` table with `values`. pino takes `(fields, message)` where holdfast's `Logger`
 * takes `(message, fields)`: such a logger, given as `logger`, is used through `pinoLogger`.
 */
export function isPinoLogger(logger: object): logger is PinoLike {
  const candidate = logger as { child?: unknown; bindings?: unknown; levels?: unknown };
  return (
    typeof candidate.child === 'function' &&
    typeof candidate.bindings === 'function' &&
    typeof candidate.levels === 'object' &&
    candidate.levels !== null &&
    typeof (candidate.levels as { values?: unknown }).values === 'object'
  );
}
