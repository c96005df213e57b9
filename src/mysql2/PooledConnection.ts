import type { FieldPacket, QueryResult } from 'mysql2';
import type { QueryValues } from './driver.js';
import type { Lease } from './Lease.js';

/**
 * A connection checked out with `pool.getConnection()`. Statements on it are not retried (the
 * caller owns the sequence), but each is bounded by `queryTimeoutMs`: one that times out
 * destroys the connection. Call `release()` when done (in a `finally`); a connection that died
 * or timed out is destroyed instead of going back to the pool.
 *
 * @example
 * const connection = await pool.getConnection();
 * try {
 *   const [rows] = await connection.query('SELECT * FROM users WHERE id = ?', [42]);
 * } finally {
 *   connection.release();
 * }
 */
export class PooledConnection {
  readonly #lease: Lease;

  /** @internal */
  constructor(lease: Lease) {
    this.#lease = lease;
  }

  /** A text-protocol statement; resolves to mysql2's `[result, fields]`. */
  async query<T extends QueryResult = QueryResult>(
    sql: string,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]> {
    return (await this.#lease.run('query', sql, values)) as [T, FieldPacket[]];
  }

  /** A prepared statement; resolves to mysql2's `[result, fields]`. */
  async execute<T extends QueryResult = QueryResult>(
    sql: string,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]> {
    return (await this.#lease.run('execute', sql, values)) as [T, FieldPacket[]];
  }

  /** Round trip to the server, bounded by `queryTimeoutMs`. */
  async ping(): Promise<void> {
    await this.#lease.run('ping', 'PING', undefined);
  }

  /** False once released, destroyed, dead or timed out. */
  get usable(): boolean {
    return this.#lease.usable;
  }

  /** Returns the connection to the pool (a dead one is destroyed). Idempotent. */
  release(): void {
    this.#lease.release();
  }

  /** Closes the connection instead of returning it (e.g. after changing session state). */
  destroy(): void {
    this.#lease.destroy();
  }
}
