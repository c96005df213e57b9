import type { SchedulerLike, Subscription } from 'rxjs';
import type { Clock } from '../../src/internal/Clock.js';

/**
 * A holdfast `Clock` over an RxJS scheduler, so that a `TestScheduler` (marbles) or a
 * `VirtualTimeScheduler` drives holdfast's one time seam in virtual time.
 */
export function schedulerClock(scheduler: SchedulerLike): Clock {
  return {
    now: () => scheduler.now(),
    setTimeout: (callback, ms) =>
      scheduler.schedule(() => {
        callback();
      }, ms),
    clearTimeout: (handle) => {
      (handle as Subscription | undefined)?.unsubscribe();
    },
  };
}
