import { markUnsent } from '../classify/unsent.js';
import { AbortedError } from '../errors/AbortedError.js';
import type { Clock } from '../internal/Clock.js';
import type { DriverConnection, DriverPool, DriverPoolHooks, MysqlDriver } from './driver.js';

/** Counters shared by every generation of one DatabasePool. */
export interface GenerationCounters {
  created: number;
  destroyed: number;
}

/** What a generation tells its DatabasePool. */
export interface GenerationEvents {
  /** A connection opened after `ms` of connecting (for the create-time metric). */
  readonly connectionOpened: (ms: number) => void;
}

/** `acquire()` on a generation that was replaced: go and ask the manager for the current one. */
export const retiredGeneration: unique symbol = Symbol('retired generation');

let nextId = 1;
// A retired pool has only dead connections left; its end should be quick.
const retiredGraceMs = 1000;
/**
 * New connections opened at once. After an outage hundreds of checkouts are released together:
 * the first is served by the connection the reconnect verified, the pool grows two handshakes at
 * a time instead of competing with that first query.
 */
const maxConcurrentOpens = 2;

/**
 * One mysql2 pool: the connection the ConnectionManager owns for a DatabasePool (its `C`). When
 * the manager replaces it (the server became unreachable), it is retired: it lends nothing more,
 * its idle connections are destroyed, lent ones are destroyed as they come back, and the mysql2
 * pool ends when the last one is back.
 *
 * While it has no open connection (new, or every connection died with the server), it opens
 * connections one at a time: the first refusal retires it, so a crowd of callers sends one
 * connection attempt to a dead server, not one each. Otherwise it opens at most two at a time.
 * Retiring or ending it aborts the handshakes under way: their sockets close at once.
 */
export class PoolGeneration {
  readonly id = nextId++;
  readonly #pool: DriverPool;
  readonly #clock: Clock;
  readonly #counters: GenerationCounters;
  readonly #events: GenerationEvents;
  readonly #open = new Set<DriverConnection>();
  readonly #lent = new Set<DriverConnection>();
  readonly #idleSince = new WeakMap<DriverConnection, number>();
  readonly #handedOut = new WeakSet<DriverConnection>();
  #opening: Promise<unknown> | undefined;
  #retired = false;
  #ended: Promise<void> | undefined;
  #markEnded: () => void = () => undefined;
  /** Resolves once the mysql2 pool has ended. */
  readonly whenEnded = new Promise<void>((resolve) => {
    this.#markEnded = resolve;
  });
  #openError: unknown;
  #claimed = 0;
  /** getConnection() calls under way, and how many of them open a new connection. */
  #gets = 0;
  #opens = 0;
  #slotWaiters: (() => void)[] = [];

  constructor(
    driver: MysqlDriver,
    options: Readonly<Record<string, unknown>>,
    clock: Clock,
    counters: GenerationCounters,
    events: GenerationEvents,
  ) {
    this.#clock = clock;
    this.#counters = counters;
    this.#events = events;
    const hooks: DriverPoolHooks = {
      opened: (connection) => {
        this.#open.add(connection);
        this.#idleSince.set(connection, this.#clock.now());
        this.#counters.created += 1;
      },
      closed: (connection) => {
        if (!this.#open.delete(connection)) return;
        this.#counters.destroyed += 1;
      },
    };
    this.#pool = driver.createPool(options, hooks);
  }

  get retired(): boolean {
    return this.#retired;
  }

  /** Open connections (idle and lent). */
  get size(): number {
    return this.#open.size;
  }

  get lent(): number {
    return this.#lent.size;
  }

  /** Open connections neither lent nor claimed by a checkout under way. */
  get idle(): number {
    return Math.max(0, this.#open.size - this.#lent.size - this.#claimed);
  }

  /** Counts one idle connection as taken until the returned function is called (once). */
  claimIdle(): () => void {
    this.#claimed += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#claimed -= 1;
    };
  }

  /**
   * A connection from the free list or a new one. Rejects with the driver's error (connect
   * refused, access denied, ...); resolves `retiredGeneration` when this pool was retired.
   */
  async acquire(): Promise<DriverConnection | typeof retiredGeneration> {
    while (this.#open.size === 0 && this.#opening !== undefined) {
      await this.#opening.catch(() => undefined);
    }
    if (this.#retired) return retiredGeneration;
    // The one attempt made while nothing was open failed: the server is unreachable, and the
    // callers that queued behind it share its error instead of trying again themselves.
    if (this.#open.size === 0 && this.#openError !== undefined) throw this.#openError as Error;
    const opens = this.#free() <= 0;
    if (opens && this.#opens >= maxConcurrentOpens) {
      await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
      return this.acquire();
    }
    const started = this.#clock.now();
    this.#gets += 1;
    if (opens) this.#opens += 1;
    const pending = this.#pool.getConnection();
    if (this.#open.size === 0) {
      this.#opening = pending;
      void pending.then(
        () => {
          this.#opening = undefined;
        },
        (error: unknown) => {
          this.#openError = error;
          this.#opening = undefined;
        },
      );
    }
    let connection: DriverConnection;
    try {
      connection = await pending;
    } catch (error) {
      // abortOpening(): the pool was retired while the connection was opening.
      if (this.#isRetired()) return retiredGeneration;
      throw error;
    } finally {
      this.#getDone(opens);
    }
    if (!this.#handedOut.has(connection)) {
      this.#handedOut.add(connection);
      this.#events.connectionOpened(this.#clock.now() - started);
    }
    // retire() may have run while the connection was opening.
    if (this.#isRetired()) {
      this.#discard(connection);
      return retiredGeneration;
    }
    this.#lent.add(connection);
    return connection;
  }

  /** How long the connection sat in the free list before this checkout, ms. */
  idleFor(connection: DriverConnection): number {
    const since = this.#idleSince.get(connection);
    return since === undefined ? 0 : this.#clock.now() - since;
  }

  /** Back to the free list, or destroyed when this pool was retired or the connection is dead. */
  release(connection: DriverConnection): void {
    if (!this.#lent.delete(connection)) return;
    if (this.#retired || !connection.alive) {
      this.#discard(connection);
      this.#endWhenDrained();
      return;
    }
    this.#idleSince.set(connection, this.#clock.now());
    connection.release();
    this.#wakeSlotWaiters();
  }

  /** Destroys a lent connection (dead, timed out, or in an unknown state). */
  destroy(connection: DriverConnection): void {
    this.#lent.delete(connection);
    this.#discard(connection);
    this.#endWhenDrained();
  }

  /**
   * Stops lending: idle connections are destroyed now, lent ones when they come back; the
   * mysql2 pool ends when none is left.
   */
  retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    this.#abortOpening();
    for (const connection of [...this.#open]) {
      if (!this.#lent.has(connection)) this.#discard(connection);
    }
    this.#endWhenDrained();
  }

  /**
   * Ends the pool now: gracefully (COM_QUIT to each connection) within `graceMs`, then by
   * destroying whatever is left. Lent connections are destroyed too.
   */
  end(graceMs: number): Promise<void> {
    this.#retired = true;
    this.#abortOpening();
    this.#ended ??= this.#endWithin(graceMs);
    return this.#ended;
  }

  /** Connections in the driver's free list not yet promised to a getConnection() under way. */
  #free(): number {
    return this.#open.size - this.#lent.size - (this.#gets - this.#opens);
  }

  #getDone(opened: boolean): void {
    this.#gets -= 1;
    if (opened) this.#opens -= 1;
    this.#wakeSlotWaiters();
  }

  /** Every waiter looks again (in FIFO order); those that still find no slot queue again. */
  #wakeSlotWaiters(): void {
    if (this.#slotWaiters.length === 0) return;
    const waiters = this.#slotWaiters;
    this.#slotWaiters = [];
    for (const wake of waiters) wake();
  }

  #abortOpening(): void {
    this.#pool.abortOpening(
      markUnsent(
        new AbortedError(
          'The connection attempt was abandoned: the pool was replaced or closed. It was not used.',
        ),
      ),
    );
    this.#wakeSlotWaiters();
  }

  #isRetired(): boolean {
    return this.#retired;
  }

  #endWhenDrained(): void {
    if (!this.#retired || this.#lent.size > 0 || this.#ended !== undefined) return;
    // Every connection left is dead or destroyed: nothing to say goodbye to.
    for (const connection of [...this.#open]) this.#discard(connection);
    this.#ended = this.#endWithin(retiredGraceMs);
  }

  /**
   * mysql2's `end()` waits for every connection's COM_QUIT, and one still opening to a paused
   * server never answers: after `graceMs` what is left is destroyed and the end counts as done.
   */
  #endWithin(graceMs: number): Promise<void> {
    const graceful = this.#pool.end().catch(() => undefined);
    return new Promise<void>((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        for (const connection of [...this.#open]) this.#discard(connection);
        this.#lent.clear();
        resolve();
      }, graceMs);
      void graceful.then(() => {
        this.#clock.clearTimeout(timer);
        resolve();
      });
    }).then(this.#markEnded);
  }

  #discard(connection: DriverConnection): void {
    connection.destroy();
    // The driver reports the close through the hook; a fake or a connection already dead may
    // not, so the bookkeeping is done here as well (the hook ignores a second report).
    if (this.#open.delete(connection)) {
      this.#counters.destroyed += 1;
    }
  }
}
