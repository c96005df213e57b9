import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { CheckoutPermits } from '../../src/mysql2/CheckoutPermits.js';
import { Deadline } from '../../src/mysql2/Deadline.js';
import { settled } from '../helpers/settled.js';

describe('CheckoutPermits', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  describe('acquire', () => {
    it('grants up to size permits at once, then queues in FIFO order', async () => {
      const permits = new CheckoutPermits(1, systemClock);
      const signal = new Deadline(60_000, systemClock);
      const first = await permits.acquire(signal);
      const second = settled(permits.acquire(signal));
      const third = settled(permits.acquire(signal));
      expect(permits.waiting).to.equal(2);
      first.release();
      await clock.tickAsync(0);
      expect([second.state, third.state]).to.deep.equal(['resolved', 'pending']);
      second.value?.release();
      await clock.tickAsync(0);
      expect(third.state).to.equal('resolved');
      signal.dispose();
    });

    it('leaves the queue when it is cancelled, with the reason', async () => {
      const permits = new CheckoutPermits(1, systemClock);
      const held = permits.tryAcquire();
      const deadline = new Deadline(60_000, systemClock);
      const waiting = settled(permits.acquire(deadline));
      const reason = new Error('gave up');
      deadline.cancel(reason);
      await clock.tickAsync(0);
      expect(waiting.error).to.equal(reason);
      expect(permits.waiting).to.equal(0);
      held?.release();
      expect(permits.held).to.equal(0);
    });
  });

  describe('release', () => {
    it('counts once however often it is called', () => {
      const permits = new CheckoutPermits(2, systemClock);
      const permit = permits.tryAcquire();
      permit?.release();
      permit?.release();
      expect(permits.held).to.equal(0);
      expect(permits.tryAcquire()).to.not.equal(undefined);
    });
  });

  describe('oldestHeldMs', () => {
    it('says how long the longest-held permit has been out', async () => {
      const permits = new CheckoutPermits(2, systemClock);
      expect(permits.oldestHeldMs()).to.equal(0);
      permits.tryAcquire();
      await clock.tickAsync(300);
      permits.tryAcquire();
      await clock.tickAsync(200);
      expect(permits.oldestHeldMs()).to.equal(500);
    });
  });
});
