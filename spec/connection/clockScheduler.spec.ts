import { expect } from 'chai';
import { timer } from 'rxjs';
import { clockScheduler } from '../../src/connection/clockScheduler.js';
import type { Clock } from '../../src/internal/Clock.js';

/** A hand-driven Clock: `advance(ms)` fires what falls due, in order. */
function manualClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      nextId += 1;
      timers.set(nextId, { at: now + ms, fn });
      return nextId;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.size };
}

describe('clockScheduler', () => {
  describe('now()', () => {
    it('reads the clock', () => {
      const { clock, advance } = manualClock();
      const scheduler = clockScheduler(clock);
      advance(1234);
      expect(scheduler.now()).to.equal(1234);
    });
  });

  describe('schedule()', () => {
    it('runs work after the delay on the clock and leaves no timer', () => {
      const { clock, advance, pending } = manualClock();
      const fired: number[] = [];
      timer(500, clockScheduler(clock)).subscribe(() => fired.push(clock.now()));
      advance(499);
      expect(fired).to.deep.equal([]);
      advance(1);
      expect(fired).to.deep.equal([500]);
      expect(pending()).to.equal(0);
    });

    it('supports work that reschedules itself (periodic timers)', () => {
      const { clock, advance, pending } = manualClock();
      const fired: number[] = [];
      const subscription = timer(100, 50, clockScheduler(clock)).subscribe(() =>
        fired.push(clock.now()),
      );
      advance(220);
      expect(fired).to.deep.equal([100, 150, 200]);
      subscription.unsubscribe();
      expect(pending()).to.equal(0);
    });

    it('clears the timer when unsubscribed before it fires', () => {
      const { clock, pending } = manualClock();
      const subscription = clockScheduler(clock).schedule(() => undefined, 1000);
      expect(pending()).to.equal(1);
      subscription.unsubscribe();
      expect(pending()).to.equal(0);
    });
  });
});
