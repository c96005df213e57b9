import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { CheckoutPermits } from '../../src/mysql2/CheckoutPermits.js';
import { DeadlineTimer } from '../../src/mysql2/DeadlineTimer.js';
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

  describe('places', () => {
    it('puts a waiter that queues again back where it stood, ahead of later arrivals', async () => {
      const permits = new CheckoutPermits(1, systemClock);
      const deadline = new Deadline(60_000, new DeadlineTimer(systemClock));
      const held = permits.tryAcquire();
      const early = permits.nextPlace();
      const later = settled(permits.acquire(deadline));
      const again = settled(permits.acquire(deadline, early));
      held?.release();
      await clock.tickAsync(0);
      expect([again.state, later.state]).to.deep.equal(['resolved', 'pending']);
      again.value?.release();
      await clock.tickAsync(0);
      expect(later.state).to.equal('resolved');
      deadline.dispose();
    });
  });

  describe('capUntil (the server refused one more connection)', () => {
    it('holds the limit at the cap until the time is up, then grows again, waiters first', async () => {
      const permits = new CheckoutPermits(4, systemClock);
      const deadline = new Deadline(60_000, new DeadlineTimer(systemClock));
      const held = [permits.tryAcquire(), permits.tryAcquire()];
      permits.capUntil(2, Date.now() + 200);
      expect(permits.limit).to.equal(2);
      expect(permits.tryAcquire()).to.equal(undefined);
      const waiting = settled(permits.acquire(deadline));
      // A release under the cap frees a slot for the waiter only when the count is below it.
      held[0]?.release();
      await clock.tickAsync(0);
      expect(waiting.state).to.equal('resolved');
      const queued = settled(permits.acquire(deadline));
      await clock.tickAsync(199);
      expect(queued.state).to.equal('pending');
      await clock.tickAsync(1);
      // The cap ended: the next acquire serves the queue first, then itself.
      const later = permits.tryAcquire();
      await clock.tickAsync(0);
      expect(queued.state).to.equal('resolved');
      expect(later).not.to.equal(undefined);
      expect([permits.limit, permits.held]).to.deep.equal([4, 4]);
      deadline.dispose();
    });

    it('never caps below one permit, and keeps the lower of two caps', () => {
      const permits = new CheckoutPermits(4, systemClock);
      permits.capUntil(3, Date.now() + 100);
      permits.capUntil(0, Date.now() + 100);
      expect(permits.limit).to.equal(1);
    });
  });

  describe('acquire', () => {
    it('grants up to size permits at once, then queues in FIFO order', async () => {
      const permits = new CheckoutPermits(1, systemClock);
      const signal = new Deadline(60_000, new DeadlineTimer(systemClock));
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
      const deadline = new Deadline(60_000, new DeadlineTimer(systemClock));
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

  describe('passOn', () => {
    it('hands the permit and the item to the first waiter, in FIFO order, none counted twice', async () => {
      const permits = new CheckoutPermits<string>(1, systemClock);
      const deadline = new Deadline(60_000, new DeadlineTimer(systemClock));
      const held = permits.tryAcquire();
      const first = settled(permits.acquire(deadline));
      const second = settled(permits.acquire(deadline));
      await clock.tickAsync(100);
      expect(held?.passOn('connection A')).to.equal(true);
      await clock.tickAsync(0);
      expect([first.state, second.state]).to.deep.equal(['resolved', 'pending']);
      expect(first.value).to.include({ passedOn: 'connection A', grantedAt: 100 });
      expect([permits.held, permits.waiting]).to.deep.equal([1, 1]);
      // The old permit is spent: releasing it again frees nothing.
      held?.release();
      expect(permits.held).to.equal(1);
      first.value?.release();
      await clock.tickAsync(0);
      expect(second.value?.passedOn).to.equal(undefined);
      second.value?.release();
      expect(permits.held).to.equal(0);
      deadline.dispose();
    });

    it('says false and keeps the permit held when nobody waits', () => {
      const permits = new CheckoutPermits<string>(1, systemClock);
      const held = permits.tryAcquire();
      expect(held?.passOn('connection A')).to.equal(false);
      expect(permits.held).to.equal(1);
      held?.release();
      expect(permits.held).to.equal(0);
    });

    it('skips a waiter that was cancelled', async () => {
      const permits = new CheckoutPermits<string>(1, systemClock);
      const timer = new DeadlineTimer<Deadline>(systemClock);
      const held = permits.tryAcquire();
      const gone = new Deadline(60_000, timer);
      const stays = new Deadline(60_000, timer);
      const cancelled = settled(permits.acquire(gone));
      const waiting = settled(permits.acquire(stays));
      gone.cancel(new Error('aborted'));
      expect(held?.passOn('connection A')).to.equal(true);
      await clock.tickAsync(0);
      expect(cancelled.state).to.equal('rejected');
      expect(waiting.value?.passedOn).to.equal('connection A');
      stays.dispose();
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
