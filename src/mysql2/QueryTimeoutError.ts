/**
 * A statement did not finish within `queryTimeoutMs`; its connection was destroyed (never
 * returned to the pool). It carries mysql2's own code for a query timeout,
 * `PROTOCOL_SEQUENCE_TIMEOUT`, so classifiers treat it as a lost connection: a read is retried on
 * a fresh connection, a write becomes an `OutcomeUnknownError` (the server may have run it).
 */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  readonly code = 'PROTOCOL_SEQUENCE_TIMEOUT';
  /** mysql2 marks errors that end a connection as fatal; this one did. */
  readonly fatal = true;
  /** The timeout that passed, ms. */
  readonly timeoutMs: number;
  /** What was running, e.g. `SELECT` or `INSERT INTO orders` (never values). */
  readonly operation: string;

  constructor(operation: string, timeoutMs: number) {
    super(
      `${operation} did not finish within queryTimeoutMs (${timeoutMs} ms); its connection was destroyed. Raise queryTimeoutMs if the statement is legitimately slow.`,
    );
    this.timeoutMs = timeoutMs;
    this.operation = operation;
  }
}
