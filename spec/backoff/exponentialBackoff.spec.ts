import { expect } from 'chai';
import { backoffDelay, exponentialDelay } from '../../src/backoff/exponentialBackoff.js';
import type { BackoffParams } from '../../src/backoff/exponentialBackoff.js';
import { seqRandom } from '../helpers/seqRandom.js';

const mysql: BackoffParams = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  exponentialBase: 2,
  jitter: 'proportional',
};

describe('exponentialDelay', () => {
  it('doubles from the base delay for retries 1, 2, 3', () => {
    expect([1, 2, 3].map((n) => exponentialDelay(n, mysql))).to.deep.equal([1000, 2000, 4000]);
  });

  it('never exceeds maxDelayMs, even when the power overflows', () => {
    expect(exponentialDelay(6, mysql)).to.equal(30_000);
    expect(exponentialDelay(5000, mysql)).to.equal(30_000);
  });
});

describe('backoffDelay', () => {
  describe('proportional jitter (the reference design)', () => {
    it('multiplies by a factor in [0.5, 1.5)', () => {
      expect(backoffDelay(1, 0, mysql, seqRandom([0]))).to.equal(500);
      expect(backoffDelay(2, 0, mysql, seqRandom([0.5]))).to.equal(2000);
      expect(backoffDelay(3, 0, mysql, seqRandom([0.999]))).to.be.closeTo(5996, 1e-9);
    });

    it('caps the jittered delay at maxDelayMs', () => {
      expect(backoffDelay(5, 0, mysql, seqRandom([0.999]))).to.be.closeTo(23_984, 1e-9);
      expect(backoffDelay(6, 0, mysql, seqRandom([0.999]))).to.equal(30_000);
    });
  });

  describe('other modes', () => {
    it("'none' returns the exponential delay", () => {
      expect(backoffDelay(3, 0, { ...mysql, jitter: 'none' }, seqRandom([0.9]))).to.equal(4000);
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
  });
});
