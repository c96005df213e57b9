import type { FieldPacket, QueryResult } from 'mysql2';
import { errorCode, errorErrno } from '../classify/errorFields.js';
import { ClosedError } from '../errors/ClosedError.js';
import type { QueryValues } from './driver.js';
import type { Lease } from './Lease.js';

/**
 * The connection a `pool.transaction(fn)` function runs its statements on, between BEGIN and
 * COMMIT. Statements are never retried one by one: the transaction is (the whole function).
 * Each one is bounded by `queryTimeoutMs`. It is unusable once the function has returned.
 */
export class TransactionConnection {
  readonly #lease: Lease;
  #ended = false;
  #rolledBackBy: unknown;

  /** @internal */
  constructor(lease: Lease) {
    this.#lease = lease;
  }

  /** A text-protocol statement; resolves to mysql2's `[result, fields]`. */
  async query<T extends QueryResult = QueryResult>(
    sql: string,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]> {
    return (await this.#run('query', sql, values)) as [T, FieldPacket[]];
  }

  /** A prepared statement; resolves to mysql2's `[result, fields]`. */
  async execute<T extends QueryResult = QueryResult>(
    sql: string,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]> {
    return (await this.#run('execute', sql, values)) as [T, FieldPacket[]];
  }

  /** @internal The deadlock that made the server roll this transaction back, if any. */
  get rolledBackBy(): unknown {
    return this.#rolledBackBy;
  }

  /** @internal */
  end(): void {
    this.#ended = true;
  }

  async #run(
    kind: 'query' | 'execute',
    sql: string,
    values: QueryValues | undefined,
  ): Promise<[unknown, unknown]> {
    if (this.#ended) {
      throw new ClosedError(
        'This transaction has ended; run statements inside the transaction function only.',
      );
    }
    try {
      return await this.#lease.run(kind, sql, values);
    } catch (error) {
      // A deadlock rolls the whole transaction back on the server (a lock wait timeout only
      // the statement), whether or not the function goes on.
      if (errorErrno(error) === 1213 || errorCode(error) === 'ER_LOCK_DEADLOCK') {
        this.#rolledBackBy ??= error;
      }
      throw error;
    }
  }
}
