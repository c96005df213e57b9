import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { DeadlineTimer, type Expiring } from '../../src/mysql2/DeadlineTimer.js';

describe('DeadlineTimer', () => {
  let clock: sinon.SinonFakeTimers;
  let expired: string[];

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    expired = [];
  });

  afterEach(() => {
    clock.restore();
  });

  /** A deadline `inMs` from now that records when it expired. */
  const deadline = (name: string, inMs: number): Expiring => ({
    at: Date.now() + inMs,
    expire: () => expired.push(`${name}@${Date.now()}`),
  });

  it('expires each deadline exactly at its time, oldest first, on one timer', async () => {
    const timer = new DeadlineTimer(systemClock);
    timer.add(deadline('a', 300));
    await clock.tickAsync(100);
    timer.add(deadline('b', 300));
    timer.add(deadline('c', 200));
    expect(clock.countTimers()).to.equal(1);
    await clock.tickAsync(1000);
    expect(expired).to.deep.equal(['a@300', 'c@300', 'b@400']);
    expect(timer.size).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });

  it('keeps one timer however many deadlines are registered', () => {
    const timer = new DeadlineTimer(systemClock);
    for (let i = 0; i < 50; i += 1) timer.add(deadline(String(i), 1000));
    expect(clock.countTimers()).to.equal(1);
    expect(timer.size).to.equal(50);
  });

  it('is set again for an earlier deadline registered later', async () => {
    const timer = new DeadlineTimer(systemClock);
    timer.add(deadline('late', 1000));
    timer.add(deadline('early', 200));
    await clock.tickAsync(200);
    expect(expired).to.deep.equal(['early@200']);
    await clock.tickAsync(800);
    expect(expired).to.deep.equal(['early@200', 'late@1000']);
  });

  it('never expires a deleted deadline, and leaves no timer once none is registered', async () => {
    const timer = new DeadlineTimer(systemClock);
    const first = deadline('first', 300);
    const second = deadline('second', 500);
    timer.add(first);
    timer.add(second);
    timer.delete(first);
    await clock.tickAsync(300);
    expect(expired).to.deep.equal([]);
    timer.delete(second);
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(1000);
    expect(expired).to.deep.equal([]);
  });

  it('lists the registered deadlines in registration order', () => {
    const timer = new DeadlineTimer(systemClock);
    const a = deadline('a', 500);
    const b = deadline('b', 100);
    timer.add(a);
    timer.add(b);
    expect(timer.entries()).to.deep.equal([a, b]);
  });

  it('lets an expiring deadline register another, which gets its own time', async () => {
    const timer = new DeadlineTimer(systemClock);
    timer.add({
      at: 100,
      expire: () => {
        expired.push(`first@${Date.now()}`);
        timer.add(deadline('second', 100));
      },
    });
    await clock.tickAsync(500);
    expect(expired).to.deep.equal(['first@100', 'second@200']);
  });
});
