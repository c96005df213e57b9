import { systemClock } from '../../src/internal/Clock.js';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import sinon from 'sinon';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { isUnsent } from '../../src/classify/unsent.js';
import { ConnectTimeoutError } from '../../src/errors/ConnectTimeoutError.js';
import { type OpenConnectionParams, openConnection } from '../../src/connection/openConnection.js';
import { settled } from '../helpers/settled.js';

describe('openConnection', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  function params(overrides: Partial<OpenConnectionParams<string>> = {}) {
    const disposed: string[] = [];
    const value: OpenConnectionParams<string> = {
      target: 'mysql-main',
      connect: () => Promise.resolve('c1'),
      verify: undefined,
      dispose: (c) => disposed.push(c),
      timeoutMs: 1000,
      clock: systemClock,
      cancelReason: () => new Error('cancelled'),
      ...overrides,
    };
    return { value, disposed };
  }

  it('emits the connection once, then completes, and leaves no timer', async () => {
    const { value } = params();
    expect(await firstValueFrom(openConnection(value))).to.equal('c1');
    expect(clock.countTimers()).to.equal(0);
  });

  it('fails with an unsent ConnectTimeoutError when connect + verify exceed timeoutMs', async () => {
    let signal: AbortSignal | undefined;
    const { value } = params({
      connect: (s) => {
        signal = s;
        return new Promise(() => undefined);
      },
    });
    const result = settled(firstValueFrom(openConnection(value)));
    await clock.tickAsync(1000);
    expect(result.error)
      .to.be.instanceOf(ConnectTimeoutError)
      .with.property('code', 'ERR_HOLDFAST_CONNECT_TIMEOUT');
    expect(isUnsent(result.error)).to.be.true;
    expect(new ErrorClassifier().classify(result.error).kind).to.equal('transient');
    expect(signal?.reason).to.equal(result.error);
  });

  it('disposes a connection whose verify fails, and fails with the verify error', async () => {
    const failure = new Error('PING failed');
    const { value, disposed } = params({ verify: () => Promise.reject(failure) });
    const result = settled(firstValueFrom(openConnection(value)));
    await clock.tickAsync(0);
    expect(result.error).to.equal(failure);
    expect(disposed).to.deep.equal(['c1']);
  });

  it('aborts connect with cancelReason when unsubscribed, and disposes a late connection', async () => {
    let resolve: ((c: string) => void) | undefined;
    let signal: AbortSignal | undefined;
    const reason = new Error('closed');
    const { value, disposed } = params({
      connect: (s) => {
        signal = s;
        return new Promise((r) => (resolve = r));
      },
      cancelReason: () => reason,
    });
    const subscription = openConnection(value).subscribe();
    subscription.unsubscribe();
    expect(signal?.reason).to.equal(reason);
    expect(clock.countTimers()).to.equal(0);
    resolve?.('late');
    await clock.tickAsync(0);
    expect(disposed).to.deep.equal(['late']);
  });

  it('turns a synchronous throw of connect into a failed attempt', async () => {
    const thrown = new TypeError('bad config');
    const { value } = params({
      connect: () => {
        throw thrown;
      },
    });
    expect(await firstValueFrom(openConnection(value)).catch((e: unknown) => e)).to.equal(thrown);
  });
});
