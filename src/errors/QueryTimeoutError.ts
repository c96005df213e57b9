import { HoldfastError } from './HoldfastError.js';

/**
 * A statement or command did not finish within its timeout (`queryTimeoutMs`); its connection was
 * destroyed (never returned to a pool). Classified transient with the connection lost: a read is
 * retried on a fresh connection, a write becomes an `OutcomeUnknownError` (the server may have
 * run it). Driver-agnostic; `cause` is the driver's error when there is one.
 */
export class QueryTimeoutError extends HoldfastError {
  override readonly name = 'QueryTimeoutError';
  readonly code = 'ERR_HOLDFAST_QUERY_TIMEOUT';
  /** The timeout that passed, ms. */
  readonly timeoutMs: number;
  /** What was running, e.g. `SELECT` or `INSERT INTO orders` (never values). */
  readonly operation: string;

  constructor(operation: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      `${operation} did not finish within queryTimeoutMs (${timeoutMs} ms); its connection was destroyed. Raise queryTimeoutMs if the statement is legitimately slow.`,
      options,
    );
    this.timeoutMs = timeoutMs;
    this.operation = operation;
  }
}
