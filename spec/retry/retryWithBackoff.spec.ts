import { expect } from 'chai';
import { type Observable, catchError, defer, map, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import sinon from 'sinon';
import { type Classification, throttled, transient } from '../../src/classify/Classification.js';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { enableInstantWaits } from '../../src/internal/instantMode.js';
import type { RetryOptions } from '../../src/retry/RetryOptions.js';
import {
  type Classifies,
  type RetryWithBackoffOptions,
  type ScheduledRetry,
  retryWithBackoff,
} from '../../src/retry/retryWithBackoff.js';
import { accessDenied, connectionRefused } from '../helpers/fakeErrors.js';
import { schedulerClock } from '../helpers/schedulerClock.js';
import { seqRandom } from '../helpers/seqRandom.js';

/** Exact delays: no jitter, 10 ms then 20, 40, ... capped at 100 (in marble frames = ms). */
const policy: RetryOptions = { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 100, jitter: 'none' };
const refused = connectionRefused();

/** Errors as text, so marbles compare them: `code:attempts` or the error's own code. */
function outcome<T>(source: Observable<T>): Observable<T | string> {
  return source.pipe(
    catchError((error: unknown) =>
      of(
        isHoldfastError(error) && error.code === 'ERR_HOLDFAST_RETRIES_EXHAUSTED'
          ? `exhausted:${(error as unknown as { attempts: number }).attempts}`
          : `error:${(error as { code?: string }).code ?? '?'}`,
      ),
    ),
  );
}

describe('retryWithBackoff', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  /** The operator with its waits on the TestScheduler (adapted to a Clock). */
  function inVirtualTime<T>(
    policy: RetryOptions,
    classifier?: Classifies,
    options: RetryWithBackoffOptions = {},
  ) {
    return retryWithBackoff<T>(policy, classifier, {
      clock: schedulerClock(scheduler),
      ...options,
    });
  }

  describe('in virtual time (TestScheduler marbles)', () => {
    it('resubscribes after 10, 20, 40 ms, then gives up with the attempts counted', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-#', undefined, refused);
        const result = outcome(source.pipe(inVirtualTime(policy)));
        // Attempts at 0, 11, 32, 73 ms; each fails 1 ms after it starts.
        expectObservable(result).toBe('74ms (x|)', { x: 'exhausted:4' });
        expectSubscriptions(source.subscriptions).toBe(['^!', '11ms ^!', '32ms ^!', '73ms ^!']);
      });
    });

    it('passes the value through once an attempt succeeds', () => {
      scheduler.run(({ expectObservable }) => {
        let calls = 0;
        const source = defer(() =>
          (calls += 1) < 3 ? throwError(() => refused) : of(`connection ${calls}`),
        );
        expectObservable(source.pipe(inVirtualTime(policy))).toBe('30ms (c|)', {
          c: 'connection 3',
        });
      });
    });

    it('passes a fatal error on at once, after one subscription', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const denied = accessDenied();
        const source = cold('--#', undefined, denied);
        expectObservable(outcome(source.pipe(inVirtualTime(policy)))).toBe('--(x|)', {
          x: 'error:ER_ACCESS_DENIED_ERROR',
        });
        expectSubscriptions(source.subscriptions).toBe(['^-!']);
      });
    });

    it('waits throttledDelayFactor times longer after a throttled error', () => {
      scheduler.run(({ cold, expectSubscriptions }) => {
        const classifier = { classify: (): Classification => throttled('busy') };
        const source = cold('#', undefined, new Error('busy'));
        outcome(source.pipe(inVirtualTime({ ...policy, maxRetries: 2 }, classifier))).subscribe();
        expectSubscriptions(source.subscriptions).toBe(['(^!)', '20ms (^!)', '60ms (^!)']);
      });
    });

    it('stops when the next wait would pass maxElapsedMs', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('#', undefined, refused);
        const result = outcome(
          source.pipe(inVirtualTime({ ...policy, maxRetries: 10, maxElapsedMs: 50 })),
        );
        // Waits 10 and 20 fit (30 ms); the next, 40, would end at 70 > 50.
        expectObservable(result).toBe('30ms (x|)', { x: 'exhausted:3' });
      });
    });

    it('cancels the wait when unsubscribed', () => {
      scheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
        const source = cold('#', undefined, refused);
        expectObservable(source.pipe(inVirtualTime(policy)), '^ 15ms !').toBe('');
        expectSubscriptions(source.subscriptions).toBe(['(^!)', '10ms (^!)']);
      });
    });
  });

  describe('options', () => {
    it('tells onRetryScheduled each retry before its wait, with delay and classification', () => {
      scheduler.run(({ cold, flush }) => {
        const seen: (ScheduledRetry & { at: number })[] = [];
        const source = cold('#', undefined, refused);
        outcome(
          source.pipe(
            inVirtualTime({ ...policy, maxRetries: 2 }, undefined, {
              onRetryScheduled: (retry) => seen.push({ ...retry, at: scheduler.now() }),
            }),
          ),
        ).subscribe();
        flush();
        expect(seen.map((s) => [s.retry, s.delayMs, s.at, s.classification.kind])).to.deep.equal([
          [1, 10, 0, 'transient'],
          [2, 20, 10, 'transient'],
        ]);
        expect(seen[0]?.error).to.equal(refused);
      });
    });

    it('asks the budget before each retry; a refusal ends the loop', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const asked: string[] = [];
        const budget = {
          tryRetry: (kind: 'transient' | 'throttled') => (asked.push(kind), asked.length < 2),
          recordSuccess: () => undefined,
        };
        const source = cold('#', undefined, refused);
        const result = outcome(source.pipe(inVirtualTime(policy, undefined, { budget })));
        expectObservable(result).toBe('10ms (x|)', { x: 'exhausted:2' });
      });
    });

    it('names target and cause in RetriesExhaustedError', () => {
      scheduler.run(({ cold, flush }) => {
        const errors: unknown[] = [];
        cold('#', undefined, refused)
          .pipe(inVirtualTime({ ...policy, maxRetries: 0 }, undefined, { target: 'redis-cache' }))
          .subscribe({ error: (e: unknown) => errors.push(e) });
        flush();
        expect(errors[0]).to.include({ target: 'redis-cache', cause: refused, attempts: 1 });
      });
    });

    it('draws jitter from the given random source', () => {
      scheduler.run(({ cold, expectSubscriptions }) => {
        const source = cold('#', undefined, refused);
        outcome(
          source.pipe(
            inVirtualTime({ ...policy, jitter: 'proportional', maxRetries: 1 }, undefined, {
              random: seqRandom([0]),
            }),
          ),
        ).subscribe();
        expectSubscriptions(source.subscriptions).toBe(['(^!)', '5ms (^!)']);
      });
    });

    it('rejects malformed options at call time', () => {
      expect(() => inVirtualTime({ maxRetries: -1 }))
        .to.throw()
        .with.property('option', 'maxRetries');
    });

    it('classifies with the given classifier (rules first)', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const classifier = new ErrorClassifier({
          rules: [(error) => (error === refused ? undefined : transient('custom'))],
        });
        const source = cold('#', undefined, new Error('not known to the tables'));
        expectObservable(
          outcome(source.pipe(inVirtualTime({ ...policy, maxRetries: 1 }, classifier))),
        ).toBe('10ms (x|)', { x: 'exhausted:2' });
      });
    });
  });

  describe('on the system clock', () => {
    it('runs its waits on the system clock, which sinon fake timers drive', async () => {
      const clock = sinon.useFakeTimers();
      try {
        let calls = 0;
        const values: string[] = [];
        defer(() => ((calls += 1) < 2 ? throwError(() => refused) : of('ok')))
          .pipe(
            retryWithBackoff<string>(policy),
            map((v) => `${v}!`),
          )
          .subscribe((v) => values.push(v));
        await clock.tickAsync(9);
        expect(calls).to.equal(1);
        await clock.tickAsync(1);
        expect(values).to.deep.equal(['ok!']);
        expect(clock.countTimers()).to.equal(0);
      } finally {
        clock.restore();
      }
    });

    it('does not wait while instantRetries() is in force', async () => {
      const clock = sinon.useFakeTimers();
      const restore = enableInstantWaits();
      try {
        let calls = 0;
        defer(() => ((calls += 1) < 3 ? throwError(() => refused) : of('ok')))
          .pipe(retryWithBackoff({ ...policy, baseDelayMs: 10_000, maxDelayMs: 10_000 }))
          .subscribe();
        await clock.tickAsync(0);
        expect(calls).to.equal(3);
      } finally {
        restore();
        clock.restore();
      }
    });
  });
});
