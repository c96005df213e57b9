/** A snapshot of a DatabasePool's counters (`pool.metrics()`). Durations are milliseconds. */
export interface DatabasePoolMetrics {
  /** Open connections, idle and checked out. */
  readonly size: number;
  /** Open connections waiting in the pool. */
  readonly idle: number;
  /** Connections checked out right now. */
  readonly used: number;
  /** Checkouts waiting (for the server, a free connection or a new one). */
  readonly pending: number;
  /** The connection limit (`pool_size`). */
  readonly max: number;
  /** Connections opened since the pool was created. */
  readonly created: number;
  /** Connections closed since the pool was created (any reason). */
  readonly destroyed: number;
  /** Connections thrown away at checkout: found dead, or did not answer the idle ping. */
  readonly evictions: number;
  /** Checkouts that had to wait again because a new connection could not be opened. */
  readonly checkoutRetries: number;
  /** Statements sent again (a read or an idempotent statement after a lost connection). */
  readonly statementRetries: number;
  /** Transactions run again (deadlock, lock wait timeout, connection lost before COMMIT). */
  readonly transactionRetries: number;
  /** Statements that hit `queryTimeoutMs` (their connections were destroyed). */
  readonly queryTimeouts: number;
  /** Successful checkouts. */
  readonly checkouts: number;
  /** Checkouts that gave up (`PoolCheckoutError`, or a fatal connect error). */
  readonly checkoutFailures: number;
  /** Total time successful checkouts waited. */
  readonly checkoutWaitMsTotal: number;
  /** The longest a successful checkout waited. */
  readonly checkoutWaitMsMax: number;
  /** How many times the pool lost the server and its manager started a reconnect loop. */
  readonly reconnects: number;
}

/** The mutable counters behind `DatabasePoolMetrics`. */
export type PoolCounters = {
  -readonly [
    K in Exclude<keyof DatabasePoolMetrics, 'size' | 'idle' | 'used' | 'max' | 'pending'>
  ]: number;
};

export function emptyCounters(): PoolCounters {
  return {
    created: 0,
    destroyed: 0,
    evictions: 0,
    checkoutRetries: 0,
    statementRetries: 0,
    transactionRetries: 0,
    queryTimeouts: 0,
    checkouts: 0,
    checkoutFailures: 0,
    checkoutWaitMsTotal: 0,
    checkoutWaitMsMax: 0,
    reconnects: 0,
  };
}
