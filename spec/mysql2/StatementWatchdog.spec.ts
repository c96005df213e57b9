import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { StatementWatchdog } from '../../src/mysql2/StatementWatchdog.js';

describe('StatementWatchdog', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  describe('watch', () => {
    it('expires a statement no earlier than its timeout and within 1.25 times it', async () => {
      const watchdog = new StatementWatchdog(systemClock, 250);
      const expiredAt: Record<string, number> = {};
      watchdog.watch(1000, () => (expiredAt.first = Date.now()));
      await clock.tickAsync(100);
      watchdog.watch(1000, () => (expiredAt.second = Date.now()));
      await clock.tickAsync(2000);
      expect(expiredAt.first).to.equal(1000);
      expect(expiredAt.second).to.be.within(1100, 1350);
    });

    it('never expires a statement that was unwatched, and stops ticking when nothing is watched', async () => {
      const watchdog = new StatementWatchdog(systemClock, 250);
      const expire = sinon.spy();
      const unwatch = watchdog.watch(1000, expire);
      await clock.tickAsync(600);
      unwatch();
      await clock.tickAsync(5000);
      expect(expire.called).to.equal(false);
      expect(clock.countTimers()).to.equal(0);
    });

    it('uses one timer however many statements are watched', () => {
      const watchdog = new StatementWatchdog(systemClock, 250);
      for (let index = 0; index < 50; index += 1) watchdog.watch(1000, () => undefined);
      expect(clock.countTimers()).to.equal(1);
    });
  });

  describe('dispose', () => {
    it('clears the pending tick, so a closed pool leaves no timer (the 2.5 s exit delay)', async () => {
      const watchdog = new StatementWatchdog(systemClock, 2500);
      const expire = sinon.spy();
      const unwatch = watchdog.watch(10_000, expire);
      await clock.tickAsync(10);
      unwatch();
      expect(clock.countTimers()).to.equal(1);
      watchdog.dispose();
      expect(clock.countTimers()).to.equal(0);
      await clock.tickAsync(20_000);
      expect(expire.called).to.equal(false);
    });

    it('forgets statements still watched', async () => {
      const watchdog = new StatementWatchdog(systemClock, 250);
      const expire = sinon.spy();
      watchdog.watch(1000, expire);
      watchdog.dispose();
      await clock.tickAsync(5000);
      expect(expire.called).to.equal(false);
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('its tick', () => {
    it("is unref'd: it never keeps the process alive on its own", () => {
      const handles: { hasRef(): boolean }[] = [];
      const recording = {
        ...systemClock,
        setTimeout: (callback: () => void, ms: number) => {
          const handle = systemClock.setTimeout(callback, ms) as { hasRef(): boolean };
          handles.push(handle);
          return handle;
        },
      };
      const watchdog = new StatementWatchdog(recording, 250);
      watchdog.watch(1000, () => undefined);
      expect(handles).to.have.length(1);
      expect(handles[0]?.hasRef()).to.equal(false);
      watchdog.dispose();
    });
  });
});
