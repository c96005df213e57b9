import type { Clock, TimerHandle } from '../internal/Clock.js';

/** Something with a point in time on the clock; `expire()` runs once it has passed. */
export interface Expiring {
  readonly at: number;
  expire(): void;
}

/**
 * One timer for every checkout deadline of a pool, instead of one per checkout: it is set for
 * the earliest deadline registered, so each expires exactly at its time (not on a tick), and
 * when it fires it expires every deadline that has passed, oldest first, then is set for the
 * next. Deadlines that leave early (the checkout succeeded) cost a Set deletion; no timer runs
 * while none is registered. (Statements use `StatementWatchdog` instead: every query registers
 * one, so it ticks in quarters of the timeout rather than setting and clearing a timer per
 * statement; a checkout registers a deadline only on the slow path, where exactness is cheap.)
 */
export class DeadlineTimer<E extends Expiring = Expiring> {
  readonly clock: Clock;
  readonly #entries = new Set<E>();
  #timer: TimerHandle;
  #armed = false;
  /** When the timer is set to fire (clock ms); meaningful while armed. */
  #firesAt = 0;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Deadlines registered and not yet expired or deleted. */
  get size(): number {
    return this.#entries.size;
  }

  add(entry: E): void {
    this.#entries.add(entry);
    if (!this.#armed || entry.at < this.#firesAt) this.#arm(entry.at);
  }

  delete(entry: E): void {
    if (!this.#entries.delete(entry) || this.#entries.size > 0) return;
    this.#disarm();
  }

  /** Every deadline registered now, in registration order (to cancel them all). */
  entries(): E[] {
    return [...this.#entries];
  }

  #arm(at: number): void {
    this.#disarm();
    this.#armed = true;
    this.#firesAt = at;
    this.#timer = this.clock.setTimeout(this.#fire, Math.max(0, at - this.clock.now()));
  }

  #disarm(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.clock.clearTimeout(this.#timer);
  }

  readonly #fire = (): void => {
    this.#armed = false;
    const now = this.clock.now();
    const due: E[] = [];
    let next = Infinity;
    for (const entry of this.#entries) {
      if (entry.at <= now) due.push(entry);
      else next = Math.min(next, entry.at);
    }
    for (const entry of due) this.#entries.delete(entry);
    if (next !== Infinity) this.#arm(next);
    for (const entry of due) entry.expire();
  };
}
