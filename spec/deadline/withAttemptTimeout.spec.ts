import { expect } from 'chai';
import sinon from 'sinon';
import { withAttemptTimeout } from '../../src/deadline/withAttemptTimeout.js';
import type { AttemptContext } from '../../src/retry/AttemptContext.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { connectionRefused } from '../helpers/fakeErrors.js';

/** An attempt that never answers unless aborted; records the signals it was given. */
function hanging(signals: AbortSignal[] = []) {
  return ({ signal }: AttemptContext): Promise<never> =>
    new Promise((_, reject) => {
      if (signal) signals.push(signal);
      signal?.addEventListener('abort', () => {
        reject(signal.reason as Error);
      });
    });
}

describe('withAttemptTimeout', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  describe('an attempt', () => {
    it('resolves with the value when it finishes in time and leaves no timer', async () => {
      const attempt = withAttemptTimeout(100, () => 'ok');
      expect(await attempt({ attempt: 1, signal: undefined })).to.equal('ok');
      await clock.tickAsync(0); // lets sinon run its bookkeeping jobs
      expect(clock.countTimers()).to.equal(0);
    });

    it('rejects with AttemptTimeoutError and aborts the signal it gave', async () => {
      const signals: AbortSignal[] = [];
      const attempt = withAttemptTimeout(100, hanging(signals));
      const outcome = attempt({ attempt: 1, signal: undefined }).catch((e: unknown) => e);
      await clock.tickAsync(99);
      expect(signals[0]!.aborted).to.equal(false);
      await clock.tickAsync(1);
      expect(await outcome).to.include({
        name: 'AttemptTimeoutError',
        code: 'ERR_HOLDFAST_ATTEMPT_TIMEOUT',
        timeoutMs: 100,
      });
      expect(signals[0]!.aborted).to.equal(true);
    });

    it('ends at once with AbortedError when the caller aborts', async () => {
      const controller = new AbortController();
      const attempt = withAttemptTimeout(10_000, hanging());
      const outcome = attempt({ attempt: 2, signal: controller.signal }).catch((e: unknown) => e);
      await clock.tickAsync(5);
      controller.abort();
      expect(await outcome).to.have.property('code', 'ERR_HOLDFAST_ABORTED');
      expect(clock.countTimers()).to.equal(0);
    });

    it('rejects a timeoutMs below 1 with ConfigurationError', () => {
      expect(() => withAttemptTimeout(0, () => 1))
        .to.throw()
        .with.property('option', 'timeoutMs');
    });
  });

  describe('with RetryHandler', () => {
    it('retries an attempt that timed out, as a transient error', async () => {
      let calls = 0;
      const handler = new RetryHandler({ maxRetries: 2, baseDelayMs: 50, jitter: 'none' });
      const outcome = handler.execute(
        withAttemptTimeout(100, (context) => (++calls < 3 ? hanging()(context) : 'ok')),
      );
      await clock.tickAsync(100 + 50 + 100 + 100);
      expect(await outcome).to.equal('ok');
      expect(calls).to.equal(3);
    });

    it('starts no wait that would end past maxElapsedMs', async () => {
      const handler = new RetryHandler({
        maxRetries: 10,
        baseDelayMs: 1000,
        jitter: 'none',
        maxElapsedMs: 2500,
      });
      const fn = sinon.spy(withAttemptTimeout(200, hanging()));
      const outcome = handler.execute(fn).catch((e: unknown) => e);
      await clock.tickAsync(10_000);
      // 0-200 attempt 1, wait 1000, 1200-1400 attempt 2, a 2000 ms wait would end at 3400 > 2500.
      expect(await outcome).to.include({
        code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED',
        reason: 'deadline',
        attempts: 2,
      });
      expect(fn.callCount).to.equal(2);
      expect(clock.countTimers()).to.equal(0);
    });

    it('ends a backoff wait at once when the caller aborts, leaving no timer', async () => {
      const controller = new AbortController();
      const handler = new RetryHandler({ maxRetries: 3, baseDelayMs: 30_000, jitter: 'none' });
      const outcome = handler
        .execute(
          withAttemptTimeout(100, () => Promise.reject(connectionRefused())),
          'op',
          {
            signal: controller.signal,
          },
        )
        .catch((e: unknown) => e);
      await clock.tickAsync(1000);
      expect(clock.countTimers(), 'waiting for retry 1').to.equal(1);
      controller.abort();
      expect(await outcome).to.have.property('code', 'ERR_HOLDFAST_ABORTED');
      expect(clock.countTimers()).to.equal(0);
    });
  });
});
