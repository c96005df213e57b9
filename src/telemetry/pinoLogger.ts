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
    enabled: (level) =>
      (level !== 'debug' || pino.debug !== undefined) && (pino.isLevelEnabled?.(level) ?? true),
  };
}
