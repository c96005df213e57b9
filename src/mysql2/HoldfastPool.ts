import type { FieldPacket, Pool, QueryResult, QueryValues } from 'mysql2';
import type { Pool as PromisePool } from 'mysql2/promise';
import type { Observable } from 'rxjs';
import type { ConnectionEvent } from '../connection/ConnectionEvent.js';
import type { ReadyOptions } from '../connection/ConnectionManagerOptions.js';
import type { ConnectionState } from '../connection/ConnectionState.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import type { DatabasePoolMetrics } from './DatabasePoolMetrics.js';
import type { HoldfastQueryOptions } from './poolStatements.js';
import type { TransactionFunction, TransactionOptions } from './runTransaction.js';

/**
 * A pool's connection state (DESIGN.md "Connection state"). While `connected`, `connection`
 * describes the server (name, address, port, database): never a socket, never a password.
 */
export type DatabasePoolState = ConnectionState<TargetDescription>;

/** Options of `pool.close()`. */
export interface CloseOptions {
  /** How long to wait for checked-out connections to come back before ending them. @default 10000 */
  readonly timeoutMs?: number;
}

/** What holdfast adds to a mysql2 pool (callback or promise); everything else is mysql2's. */
export interface HoldfastPoolExtras {
  /** The pool's name (`name` / `pool_name`). */
  readonly name: string;
  /** The resolved reconnect policy (explicit > DB_RETRY_* > defaults). */
  readonly policy: RetryPolicy;
  /** The current state, then every change; never errors; completes after `closed`. */
  readonly state$: Observable<DatabasePoolState>;
  /** The current state (a snapshot; `state$` for changes). */
  readonly state: DatabasePoolState;
  /** Attempts, retries, losses and state changes as they happen. */
  readonly events$: Observable<ConnectionEvent<TargetDescription>>;
  /**
   * Resolves once the server answers (connecting when needed).
   *
   * @throws {RetriesExhaustedError} the reconnect loop gave up (`cause` = last connect error)
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed
   * @throws the fatal connect error itself (e.g. access denied 1045)
   */
  ready(options?: ReadyOptions): Promise<void>;
  /** Counts and gauges of the pool right now (also exported as `db.client.connection.*`). */
  metrics(): DatabasePoolMetrics;
  /**
   * Runs `fn` between START TRANSACTION and COMMIT on one connection (mysql2's promise
   * connection), rerunning the whole function on a deadlock (1213), a lock wait timeout (1205)
   * or a connection lost before COMMIT was sent. `fn` may run more than once: keep side effects
   * outside the database out of it.
   *
   * @throws {OutcomeUnknownError} the connection was lost while COMMIT was in flight
   * @throws {RetriesExhaustedError} every rerun failed (`cause` = last error)
   * @throws whatever `fn` throws (after ROLLBACK), and fatal driver errors as they are
   */
  transaction<T>(fn: TransactionFunction<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Ends the pool: waiting checkouts fail with `ClosedError`, checked-out connections get
   * `timeoutMs` to come back, then every connection is ended (COM_QUIT, then torn down after
   * 1 s); no timer or socket is left. mysql2's `end()` does the same with `timeoutMs` 0.
   * Idempotent; `state$` completes.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** The statement forms that take holdfast's `idempotent` mark (mysql2's types do not know it). */
interface HoldfastPromiseStatements {
  query<T extends QueryResult = QueryResult>(
    options: HoldfastQueryOptions,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]>;
  execute<T extends QueryResult = QueryResult>(
    options: HoldfastQueryOptions,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]>;
}

/** What `holdfast/mysql2`'s `createPool` returns: mysql2's own `Pool`, with holdfast's additions. */
export type HoldfastPool = Pool & HoldfastPoolExtras;

/** What `holdfast/mysql2/promise`'s `createPool` returns: mysql2's `PromisePool` over a HoldfastPool. */
export type HoldfastPromisePool = PromisePool &
  HoldfastPromiseStatements &
  HoldfastPoolExtras & { readonly pool: HoldfastPool };
