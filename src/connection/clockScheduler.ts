import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../internal/Clock.js';

/**
 * An RxJS scheduler whose time and timers come from a holdfast `Clock`, so a manager given only
 * a `clock` runs its backoff waits (RxJS timers) on that clock too: one time seam.
 *
 * @example
 * timer(1000, clockScheduler(systemClock)).subscribe(() => console.log('a second later'));
 */
export function clockScheduler(clock: Clock): SchedulerLike {
  return {
    now: () => clock.now(),
    schedule<T>(
      work: (this: SchedulerAction<T>, state: T) => void,
      delay = 0,
      state?: T,
    ): Subscription {
      return new ClockAction(clock, work).schedule(state, delay);
    },
  };
}

class ClockAction<T> extends Subscription implements SchedulerAction<T> {
  readonly #clock: Clock;
  readonly #work: (this: SchedulerAction<T>, state: T) => void;
  #handle: TimerHandle;
  #pending = false;
  #scheduled = 0;

  constructor(clock: Clock, work: (this: SchedulerAction<T>, state: T) => void) {
    super();
    this.#clock = clock;
    this.#work = work;
    this.add(() => {
      this.#clear();
    });
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.#clear();
    this.#pending = true;
    const scheduled = (this.#scheduled += 1);
    this.#handle = this.#clock.setTimeout(() => {
      this.#pending = false;
      try {
        this.#work.call(this, state as T);
      } finally {
        // Work that did not schedule itself again is done: release the action.
        if (this.#scheduled === scheduled) this.unsubscribe();
      }
    }, delay);
    return this;
  }

  #clear(): void {
    if (this.#pending) {
      this.#pending = false;
      this.#clock.clearTimeout(this.#handle);
    }
  }
}
