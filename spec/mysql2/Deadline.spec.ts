import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { DeadlineTimer } from '../../src/mysql2/DeadlineTimer.js';
import { Deadline, DeadlineExceeded, raceCancellation } from '../../src/mysql2/Deadline.js';
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
    const deadline = new Deadline(100, new DeadlineTimer(systemClock));
    await clock.tickAsync(60);
    expect(deadline.remaining()).to.equal(40);
    expect(deadline.signal.aborted).to.equal(false);
    await clock.tickAsync(40);
    expect(deadline.signal.reason).to.be.instanceOf(DeadlineExceeded);
    expect(deadline.expired).to.equal(true);
  });

  it("is cancelled earlier by the caller's AbortSignal (AbortedError, cause its reason), and is then not expired", () => {
    const parent = new AbortController();
    const deadline = new Deadline(100, new DeadlineTimer(systemClock), parent.signal);
    const reason = new Error('caller gave up');
    parent.abort(reason);
    expect(deadline.reason).to.include({ code: 'ERR_HOLDFAST_ABORTED', cause: reason });
    expect(deadline.signal.reason).to.equal(deadline.reason);
    expect(deadline.expired).to.equal(false);
    deadline.dispose();
  });

  it('calls each cancellation listener once, and at once when already cancelled', () => {
    const deadline = new Deadline(100, new DeadlineTimer(systemClock));
    const heard: unknown[] = [];
    const unsubscribe = deadline.onCancel((reason) => heard.push(reason));
    deadline.onCancel((reason) => heard.push(reason))();
    const closed = new Error('closed');
    deadline.cancel(closed);
    deadline.cancel(new Error('again'));
    deadline.onCancel((reason) => heard.push(reason));
    unsubscribe();
    expect(heard).to.deep.equal([closed, closed]);
  });

  it('leaves no timer after dispose', () => {
    new Deadline(100, new DeadlineTimer(systemClock)).dispose();
    expect(clock.countTimers()).to.equal(0);
  });
});

describe('raceCancellation', () => {
  it('rejects with the reason when the cancellation wins, and hands the late value to onAbandoned', async () => {
    const deadline = new Deadline(100, new DeadlineTimer(systemClock));
    let resolveLate: (value: string) => void = () => undefined;
    const late = new Promise<string>((resolve) => {
      resolveLate = resolve;
    });
    const abandoned: string[] = [];
    const race = settled(
      raceCancellation(late, deadline, (value: string) => abandoned.push(value)),
    );
    deadline.cancel(new Error('timeout'));
    resolveLate('connection');
    await Promise.resolve();
    await Promise.resolve();
    expect(race.state).to.equal('rejected');
    expect(abandoned).to.deep.equal(['connection']);
  });

  it('settles with the promise when it wins', async () => {
    const deadline = new Deadline(100, new DeadlineTimer(systemClock));
    expect(await raceCancellation(Promise.resolve(7), deadline)).to.equal(7);
    deadline.dispose();
  });
});
