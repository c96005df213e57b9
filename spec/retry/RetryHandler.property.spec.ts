import { expect } from 'chai';
import fc from 'fast-check';
import sinon from 'sinon';
import { exponentialDelay } from '../../src/backoff/exponentialBackoff.js';
import { type JitterMode, jitterModes } from '../../src/backoff/jitter.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import type { RetryOptions, RetryPolicy } from '../../src/retry/RetryOptions.js';
import { codeError, connectionRefused } from '../helpers/fakeErrors.js';
import { RecordingInstrumentation } from '../helpers/recordingInstrumentation.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';

/** Any valid retry options (maxDelayMs >= baseDelayMs by construction). */
function validOptions(jitter: fc.Arbitrary<JitterMode>): fc.Arbitrary<RetryOptions> {
  return fc
    .record({
      maxRetries: fc.integer({ min: 0, max: 8 }),
      baseDelayMs: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0.001, max: 5000, noNaN: true }),
      ),
      extraDelayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 120_000 })),
      exponentialBase: fc.oneof(
        fc.constant(1),
        fc.constant(2),
        fc.double({ min: 1, max: 5, noNaN: true }),
      ),
      throttledDelayFactor: fc.oneof(fc.constant(1), fc.double({ min: 1, max: 4, noNaN: true })),
      jitter,
    })
    .map(({ extraDelayMs, ...rest }) => ({ ...rest, maxDelayMs: rest.baseDelayMs + extraDelayMs }));
}

const draws = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 1,
  maxLength: 12,
});
/** Per failure: true for a throttled error (too many connections), false for a transient one. */
const failures = fc.array(fc.boolean(), { maxLength: 12 });

/** The delay a retry may wait: its mode's bounds around the exponential delay, capped. */
function bounds(
  retry: number,
  previous: number,
  kind: 'transient' | 'throttled',
  p: RetryPolicy,
): [number, number] {
  const e = exponentialDelay(retry, p);
  const factor = kind === 'throttled' ? p.throttledDelayFactor : 1;
  const [low, high] = {
    proportional: [0.5 * e, 1.5 * e],
    none: [e, e],
    full: [0, e],
    equal: [e / 2, e],
    decorrelated: [
      p.baseDelayMs,
      Math.max(p.baseDelayMs, 3 * (previous > 0 ? previous : p.baseDelayMs)),
    ],
  }[p.jitter] as [number, number];
  return [Math.min(low, p.maxDelayMs), Math.min(high * factor, p.maxDelayMs)];
}

async function run(options: RetryOptions, randomDraws: number[], failing: boolean[]) {
  const clock = sinon.useFakeTimers();
  try {
    const telemetry = new RecordingInstrumentation();
    const handler = new RetryHandler({
      ...options,
      random: seqRandom(randomDraws),
      instrumentation: telemetry,
    });
    const attempts: number[] = [];
    const fn = async (): Promise<string> => {
      attempts.push(Date.now());
      const throttled = failing[attempts.length - 1];
      if (throttled === undefined) return 'ok';
      throw throttled ? codeError('ER_CON_COUNT_ERROR', 1040) : connectionRefused();
    };
    const result = settled(handler.execute(fn));
    await clock.runAllAsync();
    expect(clock.countTimers()).to.equal(0);
    return { handler, telemetry, attempts, result };
  } finally {
    clock.restore();
  }
}

describe('RetryHandler (properties)', () => {
  it('keeps every delay within [0.5, 1.5] x the exponential delay, capped, and makes at most maxRetries + 1 attempts', async () => {
    await fc.assert(
      fc.asyncProperty(
        validOptions(fc.constant('proportional')),
        draws,
        failures,
        async (options, randomDraws, failing) => {
          const { handler, telemetry, attempts, result } = await run(options, randomDraws, failing);
          const p = handler.policy;
          expect(attempts.length).to.be.at.most(p.maxRetries + 1);
          expect(attempts.length).to.equal(Math.min(failing.length + 1, p.maxRetries + 1));
          const scheduled = telemetry.of('retryScheduled');
          expect(scheduled).to.have.length(attempts.length - 1);
          for (const [index, { retry, delayMs }] of scheduled.entries()) {
            expect(retry).to.equal(index + 1);
            const kind = failing[index] === true ? 'throttled' : 'transient';
            const e = exponentialDelay(retry, p);
            const high = Math.min(
              1.5 * e * (kind === 'throttled' ? p.throttledDelayFactor : 1),
              p.maxDelayMs,
            );
            expect(delayMs).to.be.at.least(0.5 * e - 1e-9);
            expect(delayMs).to.be.at.most(high + 1e-9);
            expect(delayMs).to.be.at.most(p.maxDelayMs);
            // The wait really took that long on the clock (timers hold whole milliseconds).
            const waited = (attempts[index + 1] ?? NaN) - (attempts[index] ?? NaN);
            expect(waited)
              .to.be.at.least(Math.floor(delayMs))
              .and.at.most(Math.ceil(delayMs) + 1);
          }
          if (failing.length > p.maxRetries) {
            expect(result.error).to.be.instanceOf(RetriesExhaustedError);
            expect((result.error as RetriesExhaustedError).attempts).to.equal(p.maxRetries + 1);
          } else {
            expect(result.value).to.equal('ok');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps every delay within its jitter mode's bounds, never above maxDelayMs, for every mode", async () => {
    await fc.assert(
      fc.asyncProperty(
        validOptions(fc.constantFrom<JitterMode>(...jitterModes)),
        draws,
        failures,
        async (options, randomDraws, failing) => {
          const { handler, telemetry, attempts } = await run(options, randomDraws, failing);
          const p = handler.policy;
          expect(attempts.length).to.be.at.most(p.maxRetries + 1);
          let previous = 0;
          for (const [index, { retry, delayMs }] of telemetry.of('retryScheduled').entries()) {
            const [low, high] = bounds(
              retry,
              previous,
              failing[index] === true ? 'throttled' : 'transient',
              p,
            );
            expect(delayMs)
              .to.be.at.least(low - 1e-9)
              .and.at.most(high + 1e-9);
            expect(delayMs).to.be.at.most(p.maxDelayMs);
            previous = delayMs;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
