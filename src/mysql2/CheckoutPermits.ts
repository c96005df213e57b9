import type { Clock } from '../internal/Clock.js';
import type { Cancellation } from './Deadline.js';

/**
 * The right to hold one connection; released, or passed on with what it guarded, exactly once.
 * `T` is what a holder may pass on with it (the pool passes on a connection).
 */
export interface Permit<T = unknown> {
  /** When it was granted (clock ms). */
  readonly grantedAt: number;
  /** What the previous holder passed on with this permit (see `passOn`); undefined otherwise. */
  readonly passedOn: T | undefined;
  release(): void;
  /**
   * Hands this permit, with `item`, straight to the first waiter in the queue (it gets a new
   * permit carrying `item`; this one counts as released). False when nobody waits: the permit
   * is still held, and the caller releases it and keeps `item`.
   */
  passOn(item: T): boolean;
}

/**
 * The pool's own checkout queue: `size` permits (the connection limit), granted in FIFO order.
 * holdfast queues here rather than in mysql2, so that a failing connection attempt cannot make
 * mysql2 hand its queue one connection attempt after another to a dead server. A holder done
 * with a healthy connection passes it on with its permit to the first waiter (`passOn`), as
 * mysql2's own pool does: the waiter takes no detour through the driver's free list.
 */
export class CheckoutPermits<T = unknown> {
  readonly size: number;
  readonly #clock: Clock;
  readonly #held = new Set<HeldPermit<T>>();
  readonly #waiters: Waiter<T>[] = [];
  #places = 0;
  #cap = Infinity;
  #capUntil = 0;

  constructor(size: number, clock: Clock) {
    this.size = size;
    this.#clock = clock;
  }

  get held(): number {
    return this.#held.size;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Permits that may be held now: `size`, or fewer while a cap set by `capUntil` lasts. */
  get limit(): number {
    if (this.#cap >= this.size) return this.size;
    if (this.#clock.now() < this.#capUntil) return this.#cap;
    this.#cap = Infinity;
    return this.size;
  }

  /**
   * Holds the limit at `limit` (at least 1) until `untilMs` (clock ms): the server refused one
   * more connection, so the pool works with those it has. Holders above the cap keep their
   * permits; waiters are granted one as holders release theirs and the count is below the cap.
   * When the time is up, the next release or acquire grows the pool again.
   */
  capUntil(limit: number, untilMs: number): void {
    this.#cap = Math.max(1, Math.min(this.#cap, limit));
    this.#capUntil = untilMs;
  }

  /** How long the longest-held permit has been held, ms (0 when none is). */
  oldestHeldMs(): number {
    let oldest = Infinity;
    for (const permit of this.#held) oldest = Math.min(oldest, permit.grantedAt);
    return oldest === Infinity ? 0 : this.#clock.now() - oldest;
  }

  /** A permit now, or undefined when all are held or others wait. */
  tryAcquire(): Permit<T> | undefined {
    this.#drain();
    if (this.#held.size >= this.limit || this.#waiters.length > 0) return undefined;
    return this.#grant(undefined);
  }

  /**
   * Waits for a permit in FIFO order; rejects with the cancellation's reason when it comes
   * first (the waiter leaves the queue, nothing leaks).
   */
  acquire(cancellation: Cancellation, place = this.nextPlace()): Promise<Permit<T>> {
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    const cancelled = cancellation.reason;
    if (cancelled !== undefined) return Promise.reject(cancelled);
    return new Promise<Permit<T>>((resolve, reject: (reason: Error) => void) => {
      const waiter = new Waiter(resolve, place);
      waiter.unsubscribe = cancellation.onCancel((reason) => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(reason);
      });
      this.#enqueue(waiter);
    });
  }

  /**
   * A place in the FIFO order. A checkout takes one when it starts and passes it to every
   * `acquire` it makes: one that has to queue again (its new connection was refused, or came
   * from a retired pool) goes back where it stood, not behind those who came later.
   */
  nextPlace(): number {
    return this.#places++;
  }

  /** Keeps the queue ordered by place; a new arrival (the usual case) goes at the end. */
  #enqueue(waiter: Waiter<T>): void {
    let index = this.#waiters.length;
    while (index > 0 && (this.#waiters[index - 1]?.place ?? -1) > waiter.place) index -= 1;
    this.#waiters.splice(index, 0, waiter);
  }

  /** @internal A held permit ends: the first waiter, if any, is granted one (with `item`). */
  settle(permit: HeldPermit<T>, item: T | undefined): boolean {
    if (item !== undefined) {
      // Passed on: one permit ends and one begins, so the count (and the cap) is unchanged.
      const next = this.#waiters.shift();
      if (next === undefined) return false;
      this.#held.delete(permit);
      next.grant(this.#grant(item));
    } else {
      this.#held.delete(permit);
    }
    this.#drain();
    return true;
  }

  /** Below the limit (a plain release, or a cap that ended): the queue moves on, in order. */
  #drain(): void {
    while (this.#waiters.length > 0 && this.#held.size < this.limit) {
      this.#waiters.shift()?.grant(this.#grant(undefined));
    }
  }

  #grant(item: T | undefined): HeldPermit<T> {
    const permit = new HeldPermit(this, this.#clock.now(), item);
    this.#held.add(permit);
    return permit;
  }
}

class HeldPermit<T> implements Permit<T> {
  readonly #permits: CheckoutPermits<T>;
  readonly grantedAt: number;
  readonly passedOn: T | undefined;
  #ended = false;

  constructor(permits: CheckoutPermits<T>, grantedAt: number, passedOn: T | undefined) {
    this.#permits = permits;
    this.grantedAt = grantedAt;
    this.passedOn = passedOn;
  }

  release(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#permits.settle(this, undefined);
  }

  passOn(item: T): boolean {
    if (this.#ended || !this.#permits.settle(this, item)) return false;
    this.#ended = true;
    return true;
  }
}

class Waiter<T> {
  readonly #resolve: (permit: Permit<T>) => void;
  readonly place: number;
  unsubscribe: () => void = noop;

  constructor(resolve: (permit: Permit<T>) => void, place: number) {
    this.#resolve = resolve;
    this.place = place;
  }

  grant(permit: Permit<T>): void {
    this.unsubscribe();
    this.#resolve(permit);
  }
}

function noop(): void {
  // nothing to undo
}
