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
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
