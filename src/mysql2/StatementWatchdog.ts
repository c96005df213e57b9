import type { Clock, TimerHandle } from '../internal/Clock.js';
import { unref } from '../internal/unref.js';

/** One watched statement: `expire()` runs once if it is still watched at its deadline. */
interface Watched {
  readonly deadline: number;
  readonly expire: () => void;
}

/**
 * Enforces statement timeouts with one timer per pool instead of one per statement: while any
 * statement is watched, a tick every `tickMs` expires those past their deadline. A statement
 * with timeout T therefore ends between T and T + `tickMs` (the pool picks `tickMs` <= T / 4,
 * so within 1.25 T). No timer runs while nothing is watched but the one tick after the last
 * statement; that tick is unref'd (a statement in flight keeps its socket, and so the process,
 * alive on its own) and `dispose()` clears it, so a closed pool leaves no timer behind.
 */
export class StatementWatchdog {
  readonly #clock: Clock;
  readonly #tickMs: number;
  readonly #watched = new Set<Watched>();
  #ticking = false;
  #timer: TimerHandle;

  /** `tickMs`: how often deadlines are checked, ms (at least 1). */
  constructor(clock: Clock, tickMs: number) {
    this.#clock = clock;
    this.#tickMs = Math.max(1, Math.floor(tickMs));
  }

  /** Calls `expire` once `timeoutMs` have passed, unless the returned function ran first. */
  watch(timeoutMs: number, expire: () => void): () => void {
    const entry: Watched = { deadline: this.#clock.now() + timeoutMs, expire };
    this.#watched.add(entry);
    if (!this.#ticking) this.#schedule(Math.min(this.#tickMs, timeoutMs));
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
    if (this.#watched.size > 0) this.#schedule(this.#tickMs);
  };

  /** Forgets every watched statement and clears the tick (the pool is closed). */
  dispose(): void {
    this.#watched.clear();
    if (!this.#ticking) return;
    this.#ticking = false;
    this.#clock.clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    this.#ticking = true;
    this.#timer = this.#clock.setTimeout(this.#tick, ms);
    unref(this.#timer);
  }
}
