import { systemClock } from '../../src/internal/Clock.js';
import { expect } from 'chai';
import sinon from 'sinon';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import { type Waiter, readyRefusal, waitForOutcome } from '../../src/connection/waitForOutcome.js';
import { settled } from '../helpers/settled.js';

describe('waitForOutcome', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  function source(state: ConnectionState<string>) {
    const waiters = new Set<Waiter<string>>();
    return {
      waiters,
      value: {
        name: 'mysql-main',
        state,
        waiters,
        clock: systemClock,
        closedError: () => new Error('closed'),
        waitLimitMs: 0,
        mayRestart: () => false,
      },
      tell: (next: ConnectionState<string>) => {
        for (const waiter of waiters) waiter(next);
      },
    };
  }

  it('resolves with the first connected state and removes its waiter', async () => {
    const s = source({ status: 'connecting', attempt: 1 });
    const result = settled(waitForOutcome(s.value));
    s.tell({ status: 'retrying', retry: 1, delayMs: 5, error: new Error('x') });
    s.tell({ status: 'connected', connection: 'c', attempt: 2 });
    await clock.tickAsync(0);
    expect(result.value).to.equal('c');
    expect(s.waiters.size).to.equal(0);
  });

  it('settles at once when the given state already ended the cycle', async () => {
    const error = new Error('denied');
    const result = settled(waitForOutcome(source({ status: 'failed', error }).value));
    await clock.tickAsync(0);
    expect(result.error).to.equal(error);
  });

  it('removes its abort listener and timer when settled', async () => {
    const s = source({ status: 'connecting', attempt: 1 });
    const controller = new AbortController();
    const spy = sinon.spy(controller.signal, 'removeEventListener');
    const result = settled(waitForOutcome(s.value, { signal: controller.signal, timeoutMs: 5000 }));
    s.tell({ status: 'closed' });
    await clock.tickAsync(0);
    expect((result.error as Error).message).to.equal('closed');
    expect(spy.calledWith('abort')).to.be.true;
    expect(clock.countTimers()).to.equal(0);
  });
});

describe('readyRefusal', () => {
  it('refuses an aborted signal and a malformed timeoutMs, accepts the rest', () => {
    expect(readyRefusal({ signal: AbortSignal.abort() })).to.have.property(
      'code',
      'ERR_HOLDFAST_ABORTED',
    );
    for (const timeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(readyRefusal({ timeoutMs } as never)).to.have.property('option', 'timeoutMs');
    }
    expect(readyRefusal(undefined)).to.equal(undefined);
    expect(readyRefusal({ timeoutMs: 0 })).to.equal(undefined);
  });
});
