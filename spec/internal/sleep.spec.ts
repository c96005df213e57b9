import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import sinon from 'sinon';
import { AbortedError } from '../../src/errors/AbortedError.js';
import { ClosedError } from '../../src/errors/ClosedError.js';
import type { Clock } from '../../src/internal/Clock.js';
import { enableInstantWaits } from '../../src/internal/instantMode.js';
import { abortReason, sleep } from '../../src/internal/sleep.js';
import { settled as track } from '../helpers/settled.js';

describe('sleep', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  describe('without a signal', () => {
    it('resolves after exactly ms milliseconds', async () => {
      const done = track(sleep(1000));
      await clock.tickAsync(999);
      expect(done.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(done.state).to.equal('resolved');
      expect(clock.countTimers()).to.equal(0);
    });

    it('resolves at once, with no timer, for zero or negative ms', async () => {
      const zero = track(sleep(0));
      const negative = track(sleep(-5));
      expect(clock.countTimers()).to.equal(0);
      await Promise.resolve();
      expect(zero.state).to.equal('resolved');
      expect(negative.state).to.equal('resolved');
    });

    it('schedules through the injected clock', async () => {
      const scheduled: number[] = [];
      const fake: Clock = {
        now: () => 0,
        setTimeout: (callback, ms) => {
          scheduled.push(ms);
          return globalThis.setTimeout(callback, ms);
        },
        clearTimeout: (handle) => {
          globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
        },
      };
      const done = track(sleep(250, undefined, fake));
      expect(scheduled).to.deep.equal([250]);
      await clock.tickAsync(250);
      expect(done.state).to.equal('resolved');
    });
  });

  describe('with an AbortSignal', () => {
    it('rejects at once with AbortedError when aborted during the wait, leaving no timer', async () => {
      const controller = new AbortController();
      const done = track(sleep(30_000, controller.signal));
      expect(clock.countTimers()).to.equal(1);
      controller.abort();
      await Promise.resolve();
      expect(done.state).to.equal('rejected');
      expect(done.error).to.be.instanceOf(AbortedError);
      expect((done.error as AbortedError).code).to.equal('ERR_HOLDFAST_ABORTED');
      expect(clock.countTimers()).to.equal(0);
      expect(clock.now).to.equal(0);
    });

    it('rejects without scheduling anything when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const done = track(sleep(1000, controller.signal));
      expect(clock.countTimers()).to.equal(0);
      await Promise.resolve();
      expect(done.error).to.be.instanceOf(AbortedError);
    });

    it('rejects even a zero wait when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const done = track(sleep(0, controller.signal));
      await Promise.resolve();
      expect(done.error).to.be.instanceOf(AbortedError);
    });

    it('removes its abort listener when the wait ends normally', async () => {
      const controller = new AbortController();
      const done = track(sleep(100, controller.signal));
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
      await clock.tickAsync(100);
      expect(done.state).to.equal('resolved');
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });

    it('removes its abort listener when aborted', async () => {
      const controller = new AbortController();
      const done = track(sleep(100, controller.signal));
      controller.abort();
      await Promise.resolve();
      expect(done.state).to.equal('rejected');
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });

    it('rejects with the ClosedError a close() put in the signal', async () => {
      const controller = new AbortController();
      const closed = new ClosedError('closed');
      const done = track(sleep(100, controller.signal));
      controller.abort(closed);
      await Promise.resolve();
      expect(done.error).to.equal(closed);
    });
  });

  describe('in instant mode', () => {
    it('resolves at once with no timer while instant waits are on, and waits again after', async () => {
      const restore = enableInstantWaits();
      try {
        const done = track(sleep(60_000));
        expect(clock.countTimers()).to.equal(0);
        await Promise.resolve();
        expect(done.state).to.equal('resolved');
      } finally {
        restore();
      }
      const later = track(sleep(60_000));
      expect(clock.countTimers()).to.equal(1);
      await clock.tickAsync(60_000);
      expect(later.state).to.equal('resolved');
    });

    it('still honours an aborted signal', async () => {
      const restore = enableInstantWaits();
      try {
        const controller = new AbortController();
        controller.abort();
        const done = track(sleep(100, controller.signal));
        await Promise.resolve();
        expect(done.error).to.be.instanceOf(AbortedError);
      } finally {
        restore();
      }
    });
  });
});

describe('abortReason', () => {
  it('is an AbortedError whose cause is the DOMException of controller.abort()', () => {
    const controller = new AbortController();
    controller.abort();
    const error = abortReason(controller.signal);
    expect(error).to.be.instanceOf(AbortedError);
    expect((error.cause as Error).name).to.equal('AbortError');
  });

  it('wraps a timeout DOMException in AbortedError', () => {
    const controller = new AbortController();
    const timeout = new DOMException('The operation timed out.', 'TimeoutError');
    controller.abort(timeout);
    const error = abortReason(controller.signal);
    expect(error).to.be.instanceOf(AbortedError);
    expect(error.cause).to.equal(timeout);
  });

  it("wraps a caller's code-less Error or other value in AbortedError, keeping it as cause", () => {
    for (const reason of [new Error('user went away'), 'shutdown', 42, undefined]) {
      const controller = new AbortController();
      controller.abort(reason);
      const error = abortReason(controller.signal);
      expect(error).to.be.instanceOf(AbortedError);
      if (reason !== undefined) expect(error.cause).to.equal(reason);
    }
  });

  it('passes a typed error (a string code) through as it is, so it is classified for what it is', () => {
    const controller = new AbortController();
    const timeout = Object.assign(new Error('connect timed out after 10000 ms'), {
      code: 'ETIMEDOUT',
    });
    controller.abort(timeout);
    expect(abortReason(controller.signal)).to.equal(timeout);
  });

  it('passes a holdfast error through as it is', () => {
    const controller = new AbortController();
    const closed = new ClosedError('closed');
    controller.abort(closed);
    expect(abortReason(controller.signal)).to.equal(closed);
  });
});
