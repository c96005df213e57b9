import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';

describe('systemClock', () => {
  it('follows fake timers installed after it was created', async () => {
    const clock = sinon.useFakeTimers({ now: 5000 });
    try {
      expect(systemClock.now()).to.equal(5000);
      let fired = false;
      systemClock.setTimeout(() => (fired = true), 100);
      await clock.tickAsync(100);
      expect(fired).to.equal(true);
      const handle = systemClock.setTimeout(() => undefined, 100);
      systemClock.clearTimeout(handle);
      expect(clock.countTimers()).to.equal(0);
    } finally {
      clock.restore();
    }
  });

  it('is monotonic: a wall-clock step (NTP, a resumed VM) does not move it', () => {
    const clock = sinon.useFakeTimers({ now: 5000 });
    try {
      clock.setSystemTime(5000 - 3_600_000); // the wall clock goes back an hour
      expect(Date.now()).to.equal(5000 - 3_600_000);
      expect(systemClock.now()).to.equal(5000);
      clock.tick(250);
      expect(systemClock.now()).to.equal(5250);
    } finally {
      clock.restore();
    }
  });

  it('reads milliseconds since the epoch with sub-millisecond fractions, close to Date.now()', () => {
    const now = systemClock.now();
    expect(Math.abs(now - Date.now())).to.be.below(1000);
    // performance.now() has microsecond resolution: some of 20 reads carry a fraction.
    const fractions = Array.from({ length: 20 }, () => systemClock.now() % 1);
    expect(fractions.some((fraction) => fraction !== 0)).to.equal(true);
  });
});
