import { expect } from 'chai';
import { defer, firstValueFrom } from 'rxjs';
import sinon from 'sinon';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { retryWithBackoff } from '../../src/retry/retryWithBackoff.js';
import { instantRetries } from '../../src/testing/index.js';
import { connectionRefused } from '../helpers/fakeErrors.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';

describe('instantRetries', () => {
  let clock: sinon.SinonFakeTimers;
  const restores: (() => void)[] = [];
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    for (const restore of restores.splice(0)) restore();
    clock.restore();
  });

  /** An operation that always fails with ECONNREFUSED and records when each attempt ran. */
  function refusing() {
    const at: number[] = [];
    return {
      at,
      fn: () => {
        at.push(Date.now());
        return Promise.reject(connectionRefused());
      },
    };
  }

  const handler = () =>
    new RetryHandler({ maxRetries: 3, baseDelayMs: 1000, random: seqRandom([0.5]) });

  describe('RetryHandler', () => {
    it('makes every attempt without waiting, and still gives up after maxRetries', async () => {
      restores.push(instantRetries());
      const op = refusing();
      const result = settled(handler().execute(op.fn));
      await clock.tickAsync(0);
      expect(result.state).to.equal('rejected');
      expect(result.error).to.include({ code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED', attempts: 4 });
      expect(op.at).to.deep.equal([0, 0, 0, 0]);
    });

    it('waits again once the returned function is called', async () => {
      restores.push(instantRetries());
      restores.pop()!();
      const op = refusing();
      const result = settled(handler().execute(op.fn));
      await clock.tickAsync(0);
      expect(result.state).to.equal('pending');
      expect(op.at).to.deep.equal([0]);
      await clock.tickAsync(1000);
      expect(op.at).to.deep.equal([0, 1000]);
      await clock.tickAsync(10_000);
      expect(result.state).to.equal('rejected');
    });
  });

  describe('retryWithBackoff (the reconnect loop operator)', () => {
    it('resubscribes without waiting on the RxJS timers', async () => {
      restores.push(instantRetries());
      const op = refusing();
      const result = settled(
        firstValueFrom(defer(op.fn).pipe(retryWithBackoff({ maxRetries: 3, baseDelayMs: 1000 }))),
      );
      // A zero RxJS timer still takes one macrotask (setInterval rounds 0 up to 1 ms), far
      // below the 500 ms the first jittered retry would otherwise wait.
      await clock.tickAsync(10);
      expect(result.state).to.equal('rejected');
      expect(result.error).to.include({ code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED', attempts: 4 });
      expect(op.at).to.have.length(4);
      expect(op.at.at(-1)).to.be.at.most(10);
    });
  });

  describe('nesting', () => {
    it('keeps waits off until every returned function was called; a second call is harmless', async () => {
      const outer = instantRetries();
      const inner = instantRetries();
      restores.push(outer, inner);
      inner();
      inner();
      const op = refusing();
      const stillInstant = settled(handler().execute(op.fn));
      await clock.tickAsync(0);
      expect(stillInstant.state).to.equal('rejected');
      outer();
      const waiting = settled(handler().execute(refusing().fn));
      await clock.tickAsync(0);
      expect(waiting.state).to.equal('pending');
      await clock.tickAsync(60_000);
    });
  });
});
