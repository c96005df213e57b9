import type { FieldPacket, QueryResult } from 'mysql2';
import { type Observable, map } from 'rxjs';
import type { ConnectionState } from '../connection/ConnectionState.js';
import type { ReadyOptions } from '../connection/ConnectionManagerOptions.js';
import { ClosedError } from '../errors/ClosedError.js';
import { expectInteger } from '../internal/validate.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import type { DatabasePoolMetrics } from './DatabasePoolMetrics.js';
import type { MysqlDriver, QueryValues } from './driver.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { PoolCore } from './PoolCore.js';
import type { PoolGeneration } from './PoolGeneration.js';
import { PooledConnection } from './PooledConnection.js';
import { type StatementOptions, runStatement } from './runStatement.js';
import {
  type TransactionContext,
  type TransactionOptions,
  runTransaction,
} from './runTransaction.js';
import type { TransactionConnection } from './TransactionConnection.js';

/**
 * A pool's connection state (DESIGN.md "Connection state"). While `connected`, `connection`
 * describes the server (name, address, port, database): never the driver pool, never a password.
 */
export type DatabasePoolState = ConnectionState<TargetDescription>;

/** Options of `pool.getConnection()`. */
export interface CheckoutOptions {
  /** Ends the wait at once with `AbortedError`. */
  readonly signal?: AbortSignal;
}

/** Options of `pool.close()`. */
export interface CloseOptions {
  /** How long to wait for checked-out connections to come back before ending them. @default 10000 */
  readonly timeoutMs?: number;
}

// After the borrowed connections are back, idle ones get this long to say COM_QUIT.
const quitGraceMs = 1000;

/**
 * A mysql2 pool with holdfast's reconnect loop in front of it (create one with
 * `createDatabasePool`). One ConnectionManager owns the underlying mysql2 pool: while the server
 * is unreachable every caller waits on its one loop; after an outage the pool is replaced, so no
 * caller is handed a connection that died with the old server.
 *
 * @example
 * const pool = createDatabasePool({ pool_name: 'myapp_pool', pool_size: 10, host: 'localhost',
 *   user: 'app', password: process.env.DB_PASSWORD, database: 'mydb' });
 * const [rows] = await pool.query('SELECT * FROM users WHERE id = ?', [42]);
 * await pool.transaction(async (tx) => {
 *   await tx.execute('UPDATE accounts SET balance = balance - ? WHERE id = ?', [10, 1]);
 *   await tx.execute('UPDATE accounts SET balance = balance + ? WHERE id = ?', [10, 2]);
 * });
 * await pool.close();
 */
export class DatabasePool {
  /** The pool's name (`pool_name`). */
  readonly name: string;
  /** The resolved reconnect policy (explicit > DB_RETRY_* > defaults). */
  readonly policy: RetryPolicy;
  /** The current state, then every change; never errors; completes after `closed`. */
  readonly state$: Observable<DatabasePoolState>;
  readonly #core: PoolCore;
  #closing: Promise<void> | undefined;

  /** @internal Use `createDatabasePool(config)`. */
  constructor(config: ResolvedPoolConfig, driver: MysqlDriver) {
    this.#core = new PoolCore(config, driver);
    this.name = config.name;
    this.policy = config.retry;
    this.state$ = this.#core.manager.state$.pipe(map((state) => this.#publicState(state)));
  }

  /** The current state (a snapshot; `state$` for changes). */
  get state(): DatabasePoolState {
    return this.#publicState(this.#core.manager.state);
  }

  /**
   * Resolves once the pool has a working connection to the server (connecting when needed).
   *
   * @throws {RetriesExhaustedError} the reconnect loop gave up (`cause` = last connect error)
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed
   * @throws the fatal connect error itself (e.g. access denied 1045)
   */
  async ready(options?: ReadyOptions): Promise<void> {
    await this.#core.manager.ready(options);
  }

  /**
   * Checks out a connection: waits (within `checkoutTimeoutMs`) for the server to come back, for
   * a free connection or a new one; pings one that sat idle past `idleValidationMs`.
   *
   * @throws {PoolCheckoutError} the checkout gave up; `reason` is `server-unreachable`,
   *   `pool-exhausted` or `queue-limit`
   * @throws {ClosedError} the pool is closed
   * @throws the fatal connect error itself (e.g. access denied 1045), after one attempt
   */
  async getConnection(options?: CheckoutOptions): Promise<PooledConnection> {
    return new PooledConnection(await this.#core.checkout(options?.signal));
  }

  /**
   * Runs a text-protocol statement on a pooled connection; resolves to mysql2's
   * `[result, fields]`. Re-sent after a lost connection only when safe (see `StatementOptions`).
   *
   * @throws {OutcomeUnknownError} a write may or may not have been applied (`cause` = driver error)
   * @throws {RetriesExhaustedError} a safe statement kept failing (`cause` = last error)
   * @throws {PoolCheckoutError} no connection could be checked out
   * @throws the driver's error itself when it is fatal (syntax, duplicate key, access denied)
   */
  query<T extends QueryResult = QueryResult>(
    sql: string,
    values?: QueryValues,
    options?: StatementOptions,
  ): Promise<[T, FieldPacket[]]> {
    return runStatement(this.#core, 'query', sql, values, options) as Promise<[T, FieldPacket[]]>;
  }

  /** Like `query`, as a prepared statement (`connection.execute`). Same errors. */
  execute<T extends QueryResult = QueryResult>(
    sql: string,
    values?: QueryValues,
    options?: StatementOptions,
  ): Promise<[T, FieldPacket[]]> {
    return runStatement(this.#core, 'execute', sql, values, options) as Promise<[T, FieldPacket[]]>;
  }

  /**
   * Runs `fn` between START TRANSACTION and COMMIT on one connection. Reruns the whole function
   * on a deadlock (1213), a lock wait timeout (1205) or a connection lost before COMMIT was sent;
   * rolls back and rethrows any other error. `fn` may run more than once: keep side effects
   * outside the database out of it.
   *
   * @throws {OutcomeUnknownError} the connection was lost while COMMIT was in flight
   * @throws {RetriesExhaustedError} every rerun failed (`cause` = last error)
   * @throws {PoolCheckoutError} no connection could be checked out
   * @throws whatever `fn` throws (after ROLLBACK), and fatal driver errors as they are
   */
  transaction<T>(
    fn: (connection: TransactionConnection, context: TransactionContext) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T> {
    return runTransaction(this.#core, fn, options);
  }

  /** Counts and gauges of the pool right now (also exported as `db.client.connection.*`). */
  metrics(): DatabasePoolMetrics {
    return this.#core.metrics();
  }

  /**
   * Closes the pool: new checkouts and waiting ones fail with `ClosedError`, checked-out
   * connections get `timeoutMs` to come back and are then destroyed, idle ones are ended.
   * Idempotent; `state$` completes.
   *
   * @throws {ConfigurationError} `timeoutMs` is not a whole number >= 0
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const timeoutMs =
      options?.timeoutMs === undefined ? 10_000 : expectInteger('timeoutMs', options.timeoutMs, 0);
    const core = this.#core;
    core.shutdown(
      new ClosedError(`DatabasePool ${this.name} is closed; create a new pool to connect again.`),
    );
    this.#closing = (async () => {
      await core.whenDrained(timeoutMs);
      for (const lease of [...core.leases]) lease.destroy();
      await core.manager.close();
      await core.endAll(quitGraceMs);
    })();
    return this.#closing;
  }

  #publicState(state: ConnectionState<PoolGeneration>): DatabasePoolState {
    return state.status === 'connected'
      ? { status: 'connected', connection: this.#core.config.target, attempt: state.attempt }
      : state;
  }
}
