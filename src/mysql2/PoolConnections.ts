import type { PoolConnection } from 'mysql2';
import type { Clock } from '../internal/Clock.js';

/**
 * What holdfast knows about the connections of one mysql2 pool, learnt only from public events
 * and the methods it decorates (never from mysql2's private lists): which are open, which are
 * checked out and since when, and when each was last used.
 */
export class PoolConnections {
  readonly #clock: Clock;
  readonly #open = new Set<PoolConnection>();
  readonly #lent = new Map<PoolConnection, number>();
  readonly #lastUsed = new WeakMap<PoolConnection, number>();
  /** Checkouts waiting at the gate or in mysql2's queue. */
  pending = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#open.size;
  }

  get used(): number {
    return this.#lent.size;
  }

  get idle(): number {
    return Math.max(0, this.#open.size - this.#lent.size);
  }

  /** How long the longest-held connection has been checked out, ms. */
  oldestHeldMs(): number {
    for (const since of this.#lent.values()) return this.#clock.now() - since;
    return 0;
  }

  /** Every open connection (for close()). */
  all(): PoolConnection[] {
    return [...this.#open];
  }

  /** A connection finished its handshake (mysql2's 'connection' event). */
  opened(connection: PoolConnection): void {
    this.#open.add(connection);
    this.#lastUsed.set(connection, this.#clock.now());
  }

  /** A connection is gone; true the first time only. */
  closed(connection: PoolConnection): boolean {
    this.#lent.delete(connection);
    return this.#open.delete(connection);
  }

  /** True when an open connection was built with `config` (its own `connection.config`). */
  hasConfig(config: object): boolean {
    for (const connection of this.#open) if (connection.config === config) return true;
    return false;
  }

  /** The connection was checked out at `now`. */
  lent(connection: PoolConnection, now: number): void {
    this.#lent.set(connection, now);
  }

  /** The connection came back; returns how long it was out, ms (undefined if it was not). */
  returned(connection: PoolConnection): number | undefined {
    const since = this.#lent.get(connection);
    if (since === undefined) return undefined;
    this.#lent.delete(connection);
    const now = this.#clock.now();
    this.#lastUsed.set(connection, now);
    return now - since;
  }

  /** How long the connection had sat unused at `now`, ms. */
  idleFor(connection: PoolConnection, now: number): number {
    const since = this.#lastUsed.get(connection);
    return since === undefined ? 0 : now - since;
  }
}
