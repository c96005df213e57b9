/**
 * Anything with `info`, `warn` and `error` taking `(message, fields?)`: `console` qualifies.
 * `debug` is optional. A pino logger (`pino()`, `fastify.log`) is recognised and called with its
 * own `(fields, message)` order; `pinoLogger(pino())` does the same explicitly.
 */
export interface Logger {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
  debug?(message: string, fields?: object): void;
  /**
   * Would a line at this level be written? When it says no, holdfast neither formats nor
   * redacts the line. Optional: without it every level counts as written (`debug` only when
   * the method exists).
   */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  isLevelEnabled: () => false,
};
