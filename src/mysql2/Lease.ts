import { markUnsent } from '../classify/unsent.js';
import { isMysqlClosedStateError } from '../classify/mysqlErrors.js';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { ClosedError } from '../errors/ClosedError.js';
import type { Clock } from '../internal/Clock.js';
import type { Permit } from './CheckoutPermits.js';
import type { DriverConnection, QueryValues } from './driver.js';
import type { PoolGeneration } from './PoolGeneration.js';
import { QueryTimeoutError } from '../errors/QueryTimeoutError.js';
import { classifyStatement } from './classifyStatement.js';
import type { StatementWatchdog } from './StatementWatchdog.js';

/** What a lease reports back to its pool. */
export interface LeaseOwner {
  readonly clock: Clock;
  readonly classifier: ErrorClassifier;
  readonly queryTimeoutMs: number;
  /** Enforces statement timeouts (one timer for the pool). */
  readonly watchdog: StatementWatchdog;
  /**
   * Passes a healthy connection, with its permit, straight to the next checkout waiting for one;
   * false when it should go back to the free list instead (nobody waits, or it may not be).
   */
  passOn(generation: PoolGeneration, connection: DriverConnection, permit: LeasePermit): boolean;
  /** The lease ended after holding its connection `usedMs`. */
  returned(lease: Lease, usedMs: number): void;
  /** A statement timed out and its connection was destroyed. */
  timedOut(): void;
}

export type StatementKind = 'query' | 'execute';

/** A connection passed on from one lease to the next checkout, with the generation it is from. */
export interface PassedOn {
  readonly generation: PoolGeneration;
  readonly connection: DriverConnection;
}

/** The permit a lease holds: it may be passed on with the lease's connection. */
export type LeasePermit = Permit<PassedOn>;

/**
 * One checkout: a connection, the permit it holds and the generation it came from. Every
 * statement is bounded by `queryTimeoutMs` (enforced by the pool's watchdog, within 1.25x); a connection that timed out, died or failed in a
 * way that leaves it unusable is destroyed when the lease ends instead of going back to the pool.
 */
export class Lease {
  readonly generation: PoolGeneration;
  readonly #connection: DriverConnection;
  readonly #permit: LeasePermit;
  readonly #owner: LeaseOwner;
  readonly #startedAt: number;
  #broken = false;
  #ended = false;

  constructor(
    generation: PoolGeneration,
    connection: DriverConnection,
    permit: LeasePermit,
    owner: LeaseOwner,
  ) {
    this.generation = generation;
    this.#connection = connection;
    this.#permit = permit;
    this.#owner = owner;
    this.#startedAt = owner.clock.now();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** False once the connection died or was marked unusable. */
  get usable(): boolean {
    return !this.#ended && !this.#broken && this.#connection.alive;
  }

  /**
   * Runs one statement. Errors raised before it could be written (the connection was already
   * dead) are marked unsent; a timeout destroys the connection at once.
   */
  run(
    kind: StatementKind | 'ping',
    sql: string,
    values: QueryValues | undefined,
    timeoutMs = this.#owner.queryTimeoutMs,
  ): Promise<[unknown, unknown]> {
    if (this.#ended) {
      return Promise.reject(
        new ClosedError('This connection was already released to the pool; check out another one.'),
      );
    }
    if (!this.usable) return Promise.reject(markUnsent(deadConnectionError()));
    const connection = this.#connection;
    const sent =
      kind === 'ping'
        ? connection.ping().then((): [unknown, unknown] => [undefined, undefined])
        : connection[kind](sql, values);
    return new Promise((resolve, reject: (reason: Error) => void) => {
      let settled = false;
      const unwatch = this.#owner.watchdog.watch(timeoutMs, () => {
        if (settled) return;
        settled = true;
        this.#broken = true;
        this.generation.destroy(connection);
        this.#owner.timedOut();
        reject(new QueryTimeoutError(classifyStatement(sql).operation, timeoutMs));
      });
      sent.then(
        (result) => {
          if (settled) return;
          settled = true;
          unwatch();
          resolve(result);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          unwatch();
          reject(this.#onError(error) as Error);
        },
      );
    });
  }

  /**
   * Returns the connection to the pool: to the next waiting checkout when there is one, else to
   * the free list; an unusable one is destroyed. Idempotent.
   */
  release(): void {
    if (this.#ended) return;
    this.#ended = true;
    const connection = this.#connection;
    if (this.#broken || !connection.alive) {
      this.generation.destroy(connection);
    } else if (this.#owner.passOn(this.generation, connection, this.#permit)) {
      this.#owner.returned(this, this.#owner.clock.now() - this.#startedAt);
      return;
    } else {
      this.generation.release(connection);
    }
    this.#finish();
  }

  /** Destroys the connection (its state is unknown or unwanted). Idempotent. */
  destroy(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.generation.destroy(this.#connection);
    this.#finish();
  }

  /** Marks the connection unusable: it is destroyed when the lease ends. */
  markBroken(): void {
    this.#broken = true;
  }

  #onError(error: unknown): unknown {
    // The one place that reads mysql2's code-less message is isMysqlClosedStateError: the
    // command was refused before it was written, so it is safe to send again.
    if (isMysqlClosedStateError(error)) {
      this.#broken = true;
      return markUnsent(error);
    }
    if ((error as { fatal?: unknown } | null)?.fatal === true || !this.#connection.alive) {
      this.#broken = true;
      return error;
    }
    const verdict = this.#owner.classifier.classify(error, { attempt: 1, scope: 'execute' });
    if (verdict.kind !== 'fatal' && verdict.connectionLost) this.#broken = true;
    return error;
  }

  #finish(): void {
    this.#permit.release();
    this.#owner.returned(this, this.#owner.clock.now() - this.#startedAt);
  }
}

/** The connection died before the statement was written; mysql2's code for a lost connection. */
function deadConnectionError(): Error {
  return Object.assign(
    new Error('The connection was closed before the statement was sent; it was not sent.'),
    { code: 'PROTOCOL_CONNECTION_LOST', fatal: true },
  );
}
