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
});
