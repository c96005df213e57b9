import { expect } from 'chai';
import fc from 'fast-check';
import { backoffDelay, exponentialDelay } from '../../src/backoff/exponentialBackoff.js';
import type { BackoffParams } from '../../src/backoff/exponentialBackoff.js';
import { type JitterMode, jitterModes } from '../../src/backoff/jitter.js';
import { mysqlRetryDefaults, redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import { seqRandom } from '../helpers/seqRandom.js';

const mysql: BackoffParams = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  exponentialBase: 2,
  jitter: 'proportional',
};
const almostOne = 1 - Number.EPSILON / 2;
const draws = [0, 0.1, 0.25, 0.5, 0.75, 0.9, almostOne];

describe('exponentialDelay', () => {
  it('doubles from the base delay for retries 1, 2, 3', () => {
    expect([1, 2, 3].map((n) => exponentialDelay(n, mysql))).to.deep.equal([1000, 2000, 4000]);
  });

  it('never exceeds maxDelayMs, even when the power overflows', () => {
    expect(exponentialDelay(6, mysql)).to.equal(30_000);
    expect(exponentialDelay(5000, mysql)).to.equal(30_000);
  });

  it('stays zero with a zero base delay, even when the power overflows', () => {
    const zero = { ...mysql, baseDelayMs: 0 };
    expect(exponentialDelay(1, zero)).to.equal(0);
    expect(exponentialDelay(2000, zero)).to.equal(0);
  });

  it('stays at the base delay with an exponential base of 1', () => {
    const flat = { ...mysql, exponentialBase: 1 };
    expect([1, 2, 10, 100].map((n) => exponentialDelay(n, flat))).to.deep.equal([
      1000, 1000, 1000, 1000,
    ]);
  });

  it('grows by the configured base', () => {
    const triple = { ...mysql, exponentialBase: 3 };
    expect([1, 2, 3].map((n) => exponentialDelay(n, triple))).to.deep.equal([1000, 3000, 9000]);
  });
});

describe('backoffDelay', () => {
  describe('proportional jitter (the reference design)', () => {
    it('multiplies by a factor in [0.5, 1.5)', () => {
      expect(backoffDelay(1, 0, mysql, seqRandom([0]))).to.equal(500);
      expect(backoffDelay(2, 0, mysql, seqRandom([0.5]))).to.equal(2000);
      expect(backoffDelay(3, 0, mysql, seqRandom([0.999]))).to.be.closeTo(5996, 1e-9);
    });

    const cases = [
      { name: 'MySQL', defaults: mysqlRetryDefaults, nominal: [1000, 2000, 4000] },
      { name: 'Redis', defaults: redisRetryDefaults, nominal: [500, 1000, 2000] },
    ];
    for (const { name, defaults, nominal } of cases) {
      for (const [index, expected] of nominal.entries()) {
        const retry = index + 1;
        it(`keeps retry ${retry} with the ${name} defaults in [0.5, 1.5] x ${expected} ms`, () => {
          for (const draw of draws) {
            const value = backoffDelay(retry, 0, defaults, seqRandom([draw]));
            expect(value, `random ${draw}`).to.be.at.least(0.5 * expected);
            expect(value, `random ${draw}`).to.be.at.most(1.5 * expected);
          }
        });
      }
    }

    it('caps the jittered delay at maxDelayMs', () => {
      expect(backoffDelay(5, 0, mysql, seqRandom([0.999]))).to.be.closeTo(23_984, 1e-9);
      expect(backoffDelay(6, 0, mysql, seqRandom([0.999]))).to.equal(30_000);
    });

    it('caps a jittered delay whose nominal value is just under the cap', () => {
      const params = { ...mysql, maxDelayMs: 4500 };
      expect(backoffDelay(3, 0, params, seqRandom([almostOne]))).to.equal(4500);
      expect(backoffDelay(3, 0, params, seqRandom([0]))).to.equal(2000);
    });
  });

  describe('other modes', () => {
    it("'none' returns the exponential delay and draws nothing", () => {
      let draws = 0;
      const random = (): number => {
        draws += 1;
        return 0.9;
      };
      expect(backoffDelay(3, 0, { ...mysql, jitter: 'none' }, random)).to.equal(4000);
      expect(draws).to.equal(0);
    });

    it("'full' draws from [0, delay)", () => {
      expect(backoffDelay(3, 0, { ...mysql, jitter: 'full' }, seqRandom([0.25]))).to.equal(1000);
    });

    it("'equal' keeps half and draws the other half", () => {
      expect(backoffDelay(3, 0, { ...mysql, jitter: 'equal' }, seqRandom([0.5]))).to.equal(3000);
    });

    it("'decorrelated' draws from [base, previous x 3)", () => {
      const params = { ...mysql, jitter: 'decorrelated' } as const;
      expect(backoffDelay(2, 2000, params, seqRandom([0]))).to.equal(1000);
      expect(backoffDelay(2, 2000, params, seqRandom([0.5]))).to.equal(3500);
    });

    it("'decorrelated' starts from the base delay when there is no previous delay", () => {
      const params = { ...mysql, jitter: 'decorrelated' } as const;
      expect(backoffDelay(1, 0, params, seqRandom([0]))).to.equal(1000);
      expect(backoffDelay(1, 0, params, seqRandom([0.5]))).to.equal(2000);
    });

    it("'decorrelated' is capped at maxDelayMs", () => {
      const params = { ...mysql, jitter: 'decorrelated' } as const;
      expect(backoffDelay(9, 25_000, params, seqRandom([0.9]))).to.equal(30_000);
    });
  });

  describe('for any parameters and any random draw', () => {
    const params = fc
      .record({
        baseDelayMs: fc.double({ min: 0, max: 60_000, noNaN: true }),
        extra: fc.double({ min: 0, max: 600_000, noNaN: true }),
        exponentialBase: fc.double({ min: 1, max: 10, noNaN: true }),
        jitter: fc.constantFrom<JitterMode>(...jitterModes),
      })
      .map(({ baseDelayMs, extra, exponentialBase, jitter }): BackoffParams => ({
        baseDelayMs,
        maxDelayMs: baseDelayMs + extra,
        exponentialBase,
        jitter,
      }));
    const retry = fc.integer({ min: 1, max: 10_000 });
    const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

    it("stays within its mode's bounds and never above maxDelayMs", () => {
      fc.assert(
        fc.property(
          params,
          retry,
          fc.double({ min: 0, max: 1e6, noNaN: true }),
          unit,
          (p, n, previous, r) => {
            const value = backoffDelay(n, previous, p, () => r);
            const nominal = exponentialDelay(n, p);
            expect(value).to.be.at.least(0).and.at.most(p.maxDelayMs);
            const bounds: Record<JitterMode, [number, number]> = {
              proportional: [0.5 * nominal, 1.5 * nominal],
              none: [nominal, nominal],
              full: [0, nominal],
              equal: [nominal / 2, nominal],
              decorrelated: [
                p.baseDelayMs,
                Math.max(p.baseDelayMs, 3 * (previous > 0 ? previous : p.baseDelayMs)),
              ],
            };
            const [low, high] = bounds[p.jitter];
            expect(value).to.be.at.least(Math.min(low, p.maxDelayMs) - 1e-6);
            expect(value).to.be.at.most(Math.min(high, p.maxDelayMs) + 1e-6);
          },
        ),
      );
    });
  });
});
