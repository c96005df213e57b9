import type { Clock } from '../internal/Clock.js';

/** One watched statement: `expire()` runs once if it is still watched at its deadline. */
interface Watched {
  readonly deadline: number;
  readonly expire: () => void;
}

/**
 * Enforces statement timeouts with one timer per pool instead of one per statement: while any
 * statement is watched, a tick every `tickMs` expires those past their deadline. A statement
 * with timeout T therefore ends between T and T + `tickMs` (the pool picks `tickMs` <= T / 4,
 * so within 1.25 T). No timer runs while nothing is watched.
 */
export class StatementWatchdog {
  readonly #clock: Clock;
  readonly #tickMs: number;
  readonly #watched = new Set<Watched>();
  #ticking = false;

  /** `tickMs`: how often deadlines are checked, ms (at least 1). */
  constructor(clock: Clock, tickMs: number) {
    this.#clock = clock;
    this.#tickMs = Math.max(1, Math.floor(tickMs));
  }

  /** Calls `expire` once `timeoutMs` have passed, unless the returned function ran first. */
  watch(timeoutMs: number, expire: () => void): () => void {
    const entry: Watched = { deadline: this.#clock.now() + timeoutMs, expire };
    this.#watched.add(entry);
    if (!this.#ticking) {
      this.#ticking = true;
      this.#clock.setTimeout(this.#tick, Math.min(this.#tickMs, timeoutMs));
    }
    return () => {
      this.#watched.delete(entry);
    };
  }

  readonly #tick = (): void => {
    this.#ticking = false;
    const now = this.#clock.now();
    for (const entry of [...this.#watched]) {
      if (entry.deadline > now) continue;
      this.#watched.delete(entry);
      entry.expire();
    }
    if (this.#watched.size > 0) {
      this.#ticking = true;
      this.#clock.setTimeout(this.#tick, this.#tickMs);
    }
  };
}
