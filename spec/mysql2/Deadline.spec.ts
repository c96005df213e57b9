import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { Deadline, DeadlineExceeded, raceSignal } from '../../src/mysql2/Deadline.js';
import { settled } from '../helpers/settled.js';

describe('Deadline', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  it('fires its signal with DeadlineExceeded when the time is up', async () => {
    const deadline = new Deadline(100, systemClock);
    await clock.tickAsync(60);
    expect(deadline.remaining()).to.equal(40);
    expect(deadline.signal.aborted).to.equal(false);
    await clock.tickAsync(40);
    expect(deadline.signal.reason).to.be.instanceOf(DeadlineExceeded);
    expect(deadline.expired).to.equal(true);
  });

  it('fires earlier with the reason of a parent signal, and is then not expired', () => {
    const parent = new AbortController();
    const deadline = new Deadline(100, systemClock, [undefined, parent.signal]);
    const reason = new Error('closed');
    parent.abort(reason);
    expect(deadline.signal.reason).to.equal(reason);
    expect(deadline.expired).to.equal(false);
    deadline.dispose();
  });

  it('leaves no timer after dispose', () => {
    new Deadline(100, systemClock).dispose();
    expect(clock.countTimers()).to.equal(0);
  });
});

describe('raceSignal', () => {
  it('rejects with the reason when the signal wins, and hands the late value to onAbandoned', async () => {
    const controller = new AbortController();
    let resolveLate: (value: string) => void = () => undefined;
    const late = new Promise<string>((resolve) => {
      resolveLate = resolve;
    });
    const abandoned: string[] = [];
    const race = settled(raceSignal(late, controller.signal, (value) => abandoned.push(value)));
    controller.abort(new Error('timeout'));
    resolveLate('connection');
    await Promise.resolve();
    await Promise.resolve();
    expect(race.state).to.equal('rejected');
    expect(abandoned).to.deep.equal(['connection']);
  });

  it('settles with the promise when it wins', async () => {
    const controller = new AbortController();
    expect(await raceSignal(Promise.resolve(7), controller.signal)).to.equal(7);
  });
});
