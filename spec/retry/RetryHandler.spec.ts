import { expect } from 'chai';
import sinon from 'sinon';
import type { Classification } from '../../src/classify/Classification.js';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { AbortedError } from '../../src/errors/AbortedError.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { ClosedError } from '../../src/errors/ClosedError.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { Clock } from '../../src/internal/Clock.js';
import { enableInstantWaits } from '../../src/internal/instantMode.js';
import type { AttemptContext } from '../../src/retry/AttemptContext.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../../src/retry/hooks.js';
import { RetryHandler, type RetryHandlerOptions } from '../../src/retry/RetryHandler.js';
import { mysqlRetryDefaults, redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import {
  accessDenied,
  codeError,
  connectionRefused,
  replyError,
  wrongPass,
} from '../helpers/fakeErrors.js';
import { RecordingInstrumentation } from '../helpers/recordingInstrumentation.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';

type Step = { readonly fail: unknown; readonly sync?: boolean } | { readonly value: unknown };

/**
 * A scripted operation: each call plays the next step (the last one repeats) and records the
 * context it was given and the fake time it started at.
 */
function scripted(...steps: readonly Step[]) {
  const calls: { context: AttemptContext; at: number }[] = [];
  const fn = (context: AttemptContext): unknown => {
    calls.push({ context, at: Date.now() });
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step === undefined) return undefined;
    if ('value' in step) return Promise.resolve(step.value);
    if (step.sync === true) throw step.fail;
    // The script may reject with anything a driver might (undefined included).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(step.fail);
  };
  return { fn, calls, times: () => calls.map((call) => call.at) };
}

/** A handler with scripted randomness (factor 1.0 unless told) and the MySQL defaults. */
function handler(options: RetryHandlerOptions = {}): RetryHandler {
  return new RetryHandler({ random: seqRandom([0.5]), ...options });
}

describe('RetryHandler', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  describe('constructor', () => {
    it('resolves the MySQL defaults when given no options', () => {
      expect(new RetryHandler().policy).to.deep.equal(mysqlRetryDefaults);
    });

    it('merges its options over the given defaults', () => {
      const policy = new RetryHandler({ defaults: redisRetryDefaults, maxRetries: 5 }).policy;
      expect(policy).to.include({ maxRetries: 5, baseDelayMs: 500, maxDelayMs: 10_000 });
    });

    it('rejects a misspelt retry option with a ConfigurationError naming it', () => {
      const options = { maxRetriez: 3 } as RetryHandlerOptions;
      expect(() => new RetryHandler(options))
        .to.throw(ConfigurationError)
        .with.property('option', 'maxRetriez');
    });

    it('rejects a malformed retry option', () => {
      expect(() => new RetryHandler({ baseDelayMs: NaN }))
        .to.throw(ConfigurationError)
        .with.property('option', 'baseDelayMs');
    });

    it('does not mistake its own options (name, hooks, clock, ...) for retry options', () => {
      expect(
        () =>
          new RetryHandler({
            name: 'n',
            classifier: new ErrorClassifier(),
            instrumentation: new RecordingInstrumentation(),
            clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
            random: () => 0,
          }),
      ).not.to.throw();
    });
  });

  describe('execute on the happy path', () => {
    it('returns the value after one attempt, told it is attempt 1', async () => {
      const op = scripted({ value: 42 });
      expect(await handler().execute(op.fn)).to.equal(42);
      expect(op.calls.map((call) => call.context)).to.deep.equal([
        { attempt: 1, signal: undefined },
      ]);
    });

    it('returns the value of a synchronous function as a promise', async () => {
      const result = handler().execute(() => 'sync');
      expect(result).to.be.instanceOf(Promise);
      expect(await result).to.equal('sync');
    });

    it('adopts a thenable that is not a Promise', async () => {
      const thenable: PromiseLike<number> = {
        then: (resolve) => Promise.resolve(7).then(resolve),
      };
      expect(await handler().execute(() => thenable)).to.equal(7);
    });

    it('schedules no timer, reads no clock and opens no telemetry', async () => {
      let reads = 0;
      const counting: Clock = {
        now: () => ++reads,
        setTimeout: (callback, ms) => setTimeout(callback, ms),
        clearTimeout: (handle) => {
          clearTimeout(handle as ReturnType<typeof setTimeout>);
        },
      };
      const telemetry = new RecordingInstrumentation();
      await handler({ clock: counting }).execute(async () => 1);
      await handler({ instrumentation: telemetry }).execute(async () => 1, 'fetch users');
      expect(reads).to.equal(0);
      expect(clock.countTimers()).to.equal(0);
      expect(telemetry.calls).to.deep.equal([]);
    });
  });

  describe("the reference design's unit test", () => {
    it('connects after two failures, in 3 attempts, waiting ~1 s then ~2 s', async () => {
      const op = scripted(
        { fail: connectionRefused() },
        { fail: connectionRefused() },
        { value: 'conn' },
      );
      const result = settled(handler().execute(op.fn, 'mysql-main', { kind: 'connect' }));
      await clock.tickAsync(999);
      expect(op.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(op.calls).to.have.length(2);
      await clock.tickAsync(2000);
      expect(result.state).to.equal('resolved');
      expect(result.value).to.equal('conn');
      expect(op.calls).to.have.length(3);
      expect(op.times()).to.deep.equal([0, 1000, 3000]);
      expect(op.calls.map((call) => call.context.attempt)).to.deep.equal([1, 2, 3]);
    });
  });

  describe('exhaustion', () => {
    it('raises RetriesExhaustedError after maxRetries + 1 attempts, the LAST error as cause', async () => {
      const errors = [1, 2, 3, 4].map((n) => connectionRefused(`refused #${n}`));
      const op = scripted(...errors.map((fail) => ({ fail })));
      const result = settled(handler({ name: 'mysql-main' }).execute(op.fn, 'connect'));
      await clock.runAllAsync();
      expect(result.state).to.equal('rejected');
      const error = result.error as RetriesExhaustedError;
      expect(error).to.be.instanceOf(RetriesExhaustedError);
      expect(error.code).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(error.cause).to.equal(errors[3]);
      expect(error.cause).to.be.instanceOf(Error);
      expect(error.attempts).to.equal(4);
      expect(error.target).to.equal('mysql-main');
      expect(error.reason).to.equal('retries');
      expect(op.calls).to.have.length(4);
      expect(clock.countTimers()).to.equal(0);
    });

    it('makes exactly one attempt with maxRetries 0', async () => {
      const op = scripted({ fail: connectionRefused() });
      const result = settled(handler({ maxRetries: 0 }).execute(op.fn));
      await clock.runAllAsync();
      expect((result.error as RetriesExhaustedError).attempts).to.equal(1);
      expect(op.calls).to.have.length(1);
    });

    it('keeps passwords out of its message', async () => {
      const leaky = connectionRefused('connect to mysql://app:s3cret@db:3306 refused');
      const result = settled(handler({ maxRetries: 1 }).execute(scripted({ fail: leaky }).fn));
      await clock.runAllAsync();
      const message = (result.error as Error).message;
      expect(message).not.to.contain('s3cret');
      expect(message).to.contain('mysql://app:***@db:3306');
    });
  });

  describe('fatal errors', () => {
    const fatalErrors: readonly [string, () => unknown][] = [
      ['a TypeError', () => new TypeError("Cannot read properties of undefined (reading 'x')")],
      ['ER_ACCESS_DENIED_ERROR (1045)', accessDenied],
      ['a Redis WRONGPASS ReplyError', wrongPass],
      ['an unknown error', () => new Error('what is this')],
    ];
    const paths: readonly [string, () => AbortSignal | undefined][] = [
      ['on the direct path', () => undefined],
      ['inside the loop (with a signal)', () => new AbortController().signal],
    ];
    for (const [what, make] of fatalErrors) {
      for (const sync of [false, true]) {
        for (const [where, signal] of paths) {
          it(`throws ${what} as it is after exactly one attempt (${sync ? 'thrown' : 'rejected'}, ${where})`, async () => {
            const error = make();
            const op = scripted({ fail: error, sync });
            const s = signal();
            const result = settled(handler().execute(op.fn, 'op', s ? { signal: s } : undefined));
            await clock.tickAsync(0);
            expect(result.state).to.equal('rejected');
            expect(result.error).to.equal(error);
            expect(op.calls).to.have.length(1);
            expect(clock.countTimers()).to.equal(0);
            await clock.tickAsync(60_000);
            expect(op.calls).to.have.length(1);
          });
        }
      }
    }

    it('throws a fatal error that follows a retryable one as it is', async () => {
      const denied = accessDenied();
      const op = scripted({ fail: connectionRefused() }, { fail: denied });
      const result = settled(handler().execute(op.fn));
      await clock.runAllAsync();
      expect(result.error).to.equal(denied);
      expect(op.calls).to.have.length(2);
    });

    it('rejects with undefined, after one attempt, when the function throws undefined', async () => {
      let calls = 0;
      const result = settled(
        handler().execute(() => {
          calls += 1;
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw undefined;
        }),
      );
      await clock.runAllAsync();
      expect(result.state).to.equal('rejected');
      expect(result.error).to.equal(undefined);
      expect(calls).to.equal(1);
    });
  });

  describe('waits', () => {
    it('waits the jittered exponential delays of the scripted random draws', async () => {
      const op = scripted({ fail: connectionRefused() });
      const h = new RetryHandler({ random: seqRandom([0, 0.999, 0.5]) });
      const result = settled(h.execute(op.fn));
      await clock.runAllAsync();
      // 1000 x 0.5, 2000 x 1.499, 4000 x 1.0
      expect(op.times()).to.deep.equal([0, 500, 500 + 2998, 500 + 2998 + 4000]);
      expect(result.state).to.equal('rejected');
    });

    it('uses the Redis defaults: ~0.5 s, 1 s, 2 s', async () => {
      const op = scripted({ fail: codeError('ECONNRESET') });
      settled(handler({ defaults: redisRetryDefaults }).execute(op.fn));
      await clock.runAllAsync();
      expect(op.times()).to.deep.equal([0, 500, 1500, 3500]);
    });

    it('waits throttledDelayFactor times longer after a throttled error (ER_CON_COUNT_ERROR)', async () => {
      const op = scripted({ fail: codeError('ER_CON_COUNT_ERROR', 1040) }, { value: 'ok' });
      const result = settled(handler({ jitter: 'none' }).execute(op.fn));
      await clock.tickAsync(1999);
      expect(op.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(result.value).to.equal('ok');
      expect(op.times()).to.deep.equal([0, 2000]);
    });

    it('applies a configured throttledDelayFactor to a Redis LOADING reply, capped at maxDelayMs', async () => {
      const op = scripted({ fail: replyError('LOADING Redis is loading the dataset in memory') });
      settled(
        handler({
          jitter: 'none',
          throttledDelayFactor: 3,
          maxDelayMs: 5000,
          maxRetries: 2,
        }).execute(op.fn),
      );
      await clock.runAllAsync();
      expect(op.times()).to.deep.equal([0, 3000, 8000]);
    });

    it('waits no time at all while instant waits are on, still counting attempts', async () => {
      const restore = enableInstantWaits();
      try {
        const op = scripted({ fail: connectionRefused() });
        const result = settled(handler().execute(op.fn));
        for (let i = 0; i < 20; i++) await Promise.resolve();
        expect(clock.countTimers()).to.equal(0);
        expect(op.calls).to.have.length(4);
        expect(result.state).to.equal('rejected');
        expect((result.error as RetriesExhaustedError).attempts).to.equal(4);
      } finally {
        restore();
      }
    });
  });

  describe('with an AbortSignal', () => {
    it('rejects at once with AbortedError when aborted during a wait, leaving no timer', async () => {
      const controller = new AbortController();
      const op = scripted({ fail: connectionRefused() });
      const result = settled(handler().execute(op.fn, 'op', { signal: controller.signal }));
      await clock.tickAsync(500);
      expect(clock.countTimers()).to.equal(1);
      controller.abort();
      await Promise.resolve();
      await Promise.resolve();
      expect(result.state).to.equal('rejected');
      expect(result.error).to.be.instanceOf(AbortedError);
      expect(clock.countTimers()).to.equal(0);
      expect(clock.now).to.equal(500);
      await clock.tickAsync(60_000);
      expect(op.calls).to.have.length(1);
    });

    it('makes no attempt when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const op = scripted({ value: 1 });
      const result = settled(handler().execute(op.fn, 'op', { signal: controller.signal }));
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(AbortedError);
      expect(op.calls).to.have.length(0);
    });

    it('rejects with the ClosedError that close() put in the signal', async () => {
      const controller = new AbortController();
      const closed = new ClosedError('closed');
      const result = settled(
        handler().execute(scripted({ fail: connectionRefused() }).fn, 'op', {
          signal: controller.signal,
        }),
      );
      await clock.tickAsync(10);
      controller.abort(closed);
      await clock.tickAsync(0);
      expect(result.error).to.equal(closed);
      expect(clock.countTimers()).to.equal(0);
    });

    it('reports an attempt that failed after the abort as AbortedError, without retrying', async () => {
      const controller = new AbortController();
      let calls = 0;
      const fn = ({ signal }: AttemptContext): Promise<never> => {
        calls += 1;
        return new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            reject(codeError('ECONNRESET'));
          });
        });
      };
      const result = settled(handler().execute(fn, 'op', { signal: controller.signal }));
      await clock.tickAsync(100);
      controller.abort();
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(AbortedError);
      expect(calls).to.equal(1);
      expect(clock.countTimers()).to.equal(0);
    });

    it("turns a driver's rejection with the signal's own reason into AbortedError, scheduling nothing", async () => {
      const controller = new AbortController();
      const telemetry = new RecordingInstrumentation();
      const fn = ({ signal }: AttemptContext): Promise<never> =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            reject(signal.reason as Error);
          });
        });
      const result = settled(
        handler({ instrumentation: telemetry }).execute(fn, 'op', { signal: controller.signal }),
      );
      await clock.tickAsync(100);
      controller.abort();
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(AbortedError);
      expect((result.error as AbortedError).cause).to.equal(controller.signal.reason);
      expect(telemetry.of('retryScheduled')).to.deep.equal([]);
      expect(telemetry.of('fail')[0]?.error).to.equal(result.error);
    });

    it('passes the signal to every attempt', async () => {
      const controller = new AbortController();
      const op = scripted({ fail: connectionRefused() }, { value: 1 });
      settled(handler().execute(op.fn, 'op', { signal: controller.signal }));
      await clock.runAllAsync();
      expect(op.calls.map((call) => call.context)).to.deep.equal([
        { attempt: 1, signal: controller.signal },
        { attempt: 2, signal: controller.signal },
      ]);
    });
  });

  describe('maxElapsedMs', () => {
    it('stops before a wait that would end past the deadline', async () => {
      const errors = [connectionRefused('first'), connectionRefused('second')];
      const op = scripted({ fail: errors[0] }, { fail: errors[1] });
      const result = settled(
        handler({ jitter: 'none', maxRetries: 10, maxElapsedMs: 2500 }).execute(op.fn),
      );
      await clock.tickAsync(1000);
      expect(result.state).to.equal('rejected');
      const error = result.error as RetriesExhaustedError;
      expect(error.reason).to.equal('deadline');
      expect(error.attempts).to.equal(2);
      expect(error.cause).to.equal(errors[1]);
      expect(op.times()).to.deep.equal([0, 1000]);
      expect(clock.countTimers()).to.equal(0);
    });

    it('counts the time the first attempt took, on the direct path too', async () => {
      const slowFailure = (): Promise<never> =>
        new Promise((_resolve, reject) =>
          setTimeout(() => {
            reject(connectionRefused());
          }, 2000),
        );
      let calls = 0;
      const result = settled(
        handler({ jitter: 'none', maxElapsedMs: 2500 }).execute(() => {
          calls += 1;
          return slowFailure();
        }),
      );
      await clock.tickAsync(2000);
      expect(result.state).to.equal('rejected');
      expect((result.error as RetriesExhaustedError).reason).to.equal('deadline');
      expect(calls).to.equal(1);
    });

    it('lets retries run while they fit in the deadline', async () => {
      const op = scripted(
        { fail: connectionRefused() },
        { fail: connectionRefused() },
        { value: 'ok' },
      );
      const result = settled(handler({ jitter: 'none', maxElapsedMs: 3000 }).execute(op.fn));
      await clock.runAllAsync();
      expect(result.value).to.equal('ok');
      expect(op.times()).to.deep.equal([0, 1000, 3000]);
    });
  });

  describe('with a retry budget', () => {
    function budget(answers: readonly boolean[]) {
      const asked: string[] = [];
      let successes = 0;
      const hook: RetryBudgetHook = {
        tryRetry: (kind) => {
          asked.push(kind);
          return answers[asked.length - 1] ?? false;
        },
        recordSuccess: () => {
          successes += 1;
        },
      };
      return { hook, asked, successes: () => successes };
    }

    it('stops with RetriesExhaustedError when the budget refuses a retry', async () => {
      const b = budget([false]);
      const error = connectionRefused();
      const telemetry = new RecordingInstrumentation();
      const op = scripted({ fail: error });
      const result = settled(
        handler({ budget: b.hook, instrumentation: telemetry }).execute(op.fn),
      );
      await clock.runAllAsync();
      const exhausted = result.error as RetriesExhaustedError;
      expect(exhausted).to.be.instanceOf(RetriesExhaustedError);
      expect(exhausted.reason).to.equal('budget');
      expect(exhausted.attempts).to.equal(1);
      expect(exhausted.cause).to.equal(error);
      expect(b.asked).to.deep.equal(['transient']);
      expect(telemetry.of('event').map((e) => e.name)).to.deep.equal(['budget.exhausted']);
    });

    it('retries while the budget allows, asking with the kind of the error', async () => {
      const b = budget([true, true, false]);
      const op = scripted(
        { fail: connectionRefused() },
        { fail: codeError('ER_CON_COUNT_ERROR', 1040) },
      );
      const result = settled(handler({ budget: b.hook }).execute(op.fn));
      await clock.runAllAsync();
      expect((result.error as RetriesExhaustedError).attempts).to.equal(3);
      expect(b.asked).to.deep.equal(['transient', 'throttled', 'throttled']);
    });

    it('records a success, and never asks on a first attempt, after a fatal error or past maxRetries', async () => {
      const b = budget([true, true, true, true]);
      await handler({ budget: b.hook }).execute(async () => 1);
      expect(b.successes()).to.equal(1);
      expect(b.asked).to.deep.equal([]);

      settled(handler({ budget: b.hook }).execute(scripted({ fail: accessDenied() }).fn));
      await clock.runAllAsync();
      expect(b.asked).to.deep.equal([]);

      settled(
        handler({ budget: b.hook, maxRetries: 1 }).execute(
          scripted({ fail: connectionRefused() }).fn,
        ),
      );
      await clock.runAllAsync();
      expect(b.asked).to.deep.equal(['transient']);
    });
  });

  describe('with a circuit breaker', () => {
    function breaker(openAfter = Infinity) {
      const log: string[] = [];
      const reported: { error: unknown; classification: Classification }[] = [];
      let acquired = 0;
      const hook: CircuitBreakerHook = {
        acquire: () => {
          acquired += 1;
          if (acquired > openAfter) {
            log.push('refused');
            throw new CircuitOpenError('open', { retryAfterMs: 5000 });
          }
          log.push('acquire');
          return {
            success: () => log.push('success'),
            failure: (error, classification) => {
              log.push('failure');
              reported.push({ error, classification });
            },
          };
        },
      };
      return { hook, log, reported };
    }

    it('acquires before every attempt and reports each outcome once', async () => {
      const b = breaker();
      const error = connectionRefused();
      const op = scripted({ fail: error }, { value: 'ok' });
      const result = settled(handler({ circuitBreaker: b.hook }).execute(op.fn));
      await clock.runAllAsync();
      expect(result.value).to.equal('ok');
      expect(b.log).to.deep.equal(['acquire', 'failure', 'acquire', 'success']);
      expect(b.reported).to.have.length(1);
      expect(b.reported[0]?.error).to.equal(error);
      expect(b.reported[0]?.classification.kind).to.equal('transient');
    });

    it('tells the breaker a fatal error is fatal', async () => {
      const b = breaker();
      settled(handler({ circuitBreaker: b.hook }).execute(scripted({ fail: accessDenied() }).fn));
      await clock.runAllAsync();
      expect(b.reported.map((r) => r.classification.kind)).to.deep.equal(['fatal']);
    });

    it('throws the CircuitOpenError of an open breaker without calling the function', async () => {
      const b = breaker(0);
      const op = scripted({ value: 1 });
      const result = settled(handler({ circuitBreaker: b.hook }).execute(op.fn));
      await clock.runAllAsync();
      expect(result.error).to.be.instanceOf(CircuitOpenError);
      expect(isHoldfastError(result.error) && result.error.code).to.equal(
        'ERR_HOLDFAST_CIRCUIT_OPEN',
      );
      expect(op.calls).to.have.length(0);
    });

    it('stops retrying when the breaker opens between attempts', async () => {
      const b = breaker(1);
      const op = scripted({ fail: connectionRefused() });
      const result = settled(handler({ circuitBreaker: b.hook }).execute(op.fn));
      await clock.runAllAsync();
      expect(result.error).to.be.instanceOf(CircuitOpenError);
      expect(op.calls).to.have.length(1);
      expect(b.log).to.deep.equal(['acquire', 'failure', 'refused']);
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('telemetry', () => {
    it('writes the retry log lines to a given logger (no instrumentation needed)', async () => {
      const lines: string[] = [];
      const logger = {
        info: (message: string) => lines.push(`INFO ${message}`),
        warn: (message: string) => lines.push(`WARN ${message}`),
        error: (message: string) => lines.push(`ERROR ${message}`),
      };
      const op = scripted({ fail: connectionRefused() }, { value: 'ok' });
      const done = settled(handler({ name: 'mysql-main', logger }).execute(op.fn, 'fetch users'));
      await clock.tickAsync(1000);
      expect(done.value).to.equal('ok');
      expect(lines).to.deep.equal([
        'WARN Attempt 1 of execute fetch users failed, retrying in 1000 ms: connect ECONNREFUSED 127.0.0.1:3306',
        'INFO execute fetch users succeeded after 1 retry',
      ]);
    });

    it('opens nothing when the first attempt succeeds', async () => {
      const telemetry = new RecordingInstrumentation();
      await handler({ instrumentation: telemetry }).execute(async () => 1, 'fetch users');
      expect(telemetry.calls).to.deep.equal([]);
    });

    it('opens a connect operation before its first attempt (for the reference log lines)', async () => {
      const telemetry = new RecordingInstrumentation();
      await handler({ instrumentation: telemetry }).execute(async () => 1, 'mysql-main', {
        kind: 'connect',
      });
      expect(telemetry.types()).to.deep.equal([
        'operation',
        'attempt',
        'attempt.succeed',
        'succeed',
      ]);
      expect(telemetry.of('operation')[0]).to.include({
        kind: 'connect',
        description: 'mysql-main',
      });
      expect(telemetry.of('succeed')[0]?.attempts).to.equal(1);
    });

    it('opens the operation lazily on the first failure, back-dated to the start', async () => {
      clock.tick(10_000);
      const telemetry = new RecordingInstrumentation();
      const error = connectionRefused();
      let calls = 0;
      const fn = (): Promise<string> => {
        calls += 1;
        if (calls > 1) return Promise.resolve('ok');
        return new Promise((_resolve, reject) =>
          setTimeout(() => {
            reject(error);
          }, 300),
        );
      };
      const result = settled(handler({ instrumentation: telemetry }).execute(fn, 'fetch users'));
      await clock.tickAsync(299);
      expect(telemetry.calls).to.deep.equal([]);
      await clock.tickAsync(1);
      await clock.runAllAsync();
      expect(result.value).to.equal('ok');
      expect(telemetry.types()).to.deep.equal([
        'operation',
        'attempt',
        'attempt.fail',
        'retryScheduled',
        'attempt',
        'attempt.succeed',
        'succeed',
      ]);
      const [operation] = telemetry.of('operation');
      expect(operation).to.include({
        kind: 'execute',
        description: 'fetch users',
        startTimeMs: 10_000,
      });
      expect(telemetry.of('attempt')[0]).to.include({ attempt: 1, startTimeMs: 10_000 });
      const failed = telemetry.of('attempt.fail')[0];
      expect(failed?.error).to.equal(error);
      expect(failed?.classification.kind).to.equal('transient');
      expect(telemetry.of('attempt')[1]?.attempt).to.equal(2);
      expect(telemetry.of('succeed')[0]?.attempts).to.equal(2);
    });

    it('schedules the retry before the wait, with its number and delay', async () => {
      const telemetry = new RecordingInstrumentation();
      const error = connectionRefused();
      const op = scripted({ fail: error }, { fail: error }, { value: 1 });
      settled(handler({ instrumentation: telemetry }).execute(op.fn));
      await clock.runAllAsync();
      const scheduled = telemetry.of('retryScheduled');
      expect(scheduled.map((s) => [s.retry, s.delayMs, s.at])).to.deep.equal([
        [1, 1000, 0],
        [2, 2000, 1000],
      ]);
      expect(scheduled.every((s) => s.error === error)).to.equal(true);
      expect(op.times()).to.deep.equal([0, 1000, 3000]);
    });

    it('ends the operation with the last error and the attempt count on exhaustion', async () => {
      const telemetry = new RecordingInstrumentation();
      const errors = [1, 2, 3, 4].map((n) => connectionRefused(`#${n}`));
      settled(
        handler({ instrumentation: telemetry }).execute(
          scripted(...errors.map((fail) => ({ fail }))).fn,
        ),
      );
      await clock.runAllAsync();
      const fails = telemetry.of('fail');
      expect(fails).to.have.length(1);
      expect(fails[0]?.error).to.equal(errors[3]);
      expect(fails[0]?.attempts).to.equal(4);
      expect(telemetry.of('attempt').map((a) => a.attempt)).to.deep.equal([1, 2, 3, 4]);
      expect(telemetry.of('retryScheduled').map((r) => r.retry)).to.deep.equal([1, 2, 3]);
      expect(telemetry.types().at(-1)).to.equal('fail');
    });

    it('ends the operation with a fatal error after one attempt', async () => {
      const telemetry = new RecordingInstrumentation();
      const denied = accessDenied();
      settled(handler({ instrumentation: telemetry }).execute(scripted({ fail: denied }).fn));
      await clock.runAllAsync();
      expect(telemetry.types()).to.deep.equal(['operation', 'attempt', 'attempt.fail', 'fail']);
      expect(telemetry.of('fail')[0]).to.include({ error: denied, attempts: 1 });
    });

    it('ends the operation with the AbortedError when a wait is aborted', async () => {
      const telemetry = new RecordingInstrumentation();
      const controller = new AbortController();
      settled(
        handler({ instrumentation: telemetry }).execute(
          scripted({ fail: connectionRefused() }).fn,
          'op',
          {
            signal: controller.signal,
          },
        ),
      );
      await clock.tickAsync(10);
      controller.abort();
      await clock.tickAsync(0);
      const fails = telemetry.of('fail');
      expect(fails).to.have.length(1);
      expect(fails[0]?.error).to.be.instanceOf(AbortedError);
      expect(fails[0]?.attempts).to.equal(1);
    });
  });

  describe('scope', () => {
    it("retries a deadlock only in scope 'transaction'", async () => {
      const deadlock = codeError('ER_LOCK_DEADLOCK', 1213);
      const statement = scripted({ fail: deadlock }, { value: 'ok' });
      const once = settled(handler().execute(statement.fn));
      await clock.runAllAsync();
      expect(once.error).to.equal(deadlock);
      expect(statement.calls).to.have.length(1);

      const transaction = scripted({ fail: deadlock }, { value: 'ok' });
      const twice = settled(handler().execute(transaction.fn, 'tx', { scope: 'transaction' }));
      await clock.runAllAsync();
      expect(twice.value).to.equal('ok');
      expect(transaction.calls).to.have.length(2);
    });

    it('uses the classifier it was given, rules first', async () => {
      const classifier = new ErrorClassifier({
        rules: [
          (error) =>
            error instanceof TypeError
              ? { kind: 'transient', reason: 'mine', connectionLost: false }
              : undefined,
        ],
      });
      const op = scripted({ fail: new TypeError('flaky') }, { value: 'ok' });
      const result = settled(handler({ classifier }).execute(op.fn));
      await clock.runAllAsync();
      expect(result.value).to.equal('ok');
    });
  });

  describe('delayFor', () => {
    it('multiplies a throttled delay by throttledDelayFactor and caps it at maxDelayMs', () => {
      const h = handler({ jitter: 'none', throttledDelayFactor: 4, maxDelayMs: 10_000 });
      const transient: Classification = { kind: 'transient', reason: '', connectionLost: true };
      const throttled: Classification = { kind: 'throttled', reason: '', connectionLost: false };
      expect(h.delayFor(2, 0, transient)).to.equal(2000);
      expect(h.delayFor(2, 0, throttled)).to.equal(8000);
      expect(h.delayFor(3, 0, throttled)).to.equal(10_000);
    });
  });
});
