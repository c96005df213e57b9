import { expect } from 'chai';
import fc from 'fast-check';
import {
  decorrelatedJitter,
  equalJitter,
  fullJitter,
  jitterModes,
  proportionalJitter,
} from '../../src/backoff/jitter.js';
import { seqRandom } from '../helpers/seqRandom.js';

// The largest double below 1: what Math.random() can return at most.
const almostOne = 1 - Number.EPSILON / 2;
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
// Milliseconds: zero or at least a microsecond (subnormal doubles round beyond any bound).
const delay = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e7, noNaN: true }));

describe('jitterModes', () => {
  it("lists every mode, the reference design's proportional jitter first", () => {
    expect(jitterModes).to.deep.equal(['proportional', 'none', 'full', 'equal', 'decorrelated']);
  });
});

describe('proportionalJitter', () => {
  it('multiplies by 0.5 + random: 0.5x at 0, 1x at 0.5, 1.5x at the top', () => {
    expect(proportionalJitter(2000, seqRandom([0]))).to.equal(1000);
    expect(proportionalJitter(2000, seqRandom([0.5]))).to.equal(2000);
    expect(proportionalJitter(2000, seqRandom([0.75]))).to.equal(2500);
    // 0.5 + (1 - 2^-53) rounds to 1.5: the factor's range is [0.5, 1.5], both ends included.
    expect(proportionalJitter(2000, seqRandom([almostOne]))).to.equal(3000);
  });

  it('stays in [0.5, 1.5) x delay for any random draw', () => {
    fc.assert(
      fc.property(delay, unit, (d, r) => {
        const value = proportionalJitter(d, () => r);
        expect(value).to.be.at.least(0.5 * d);
        expect(value).to.be.at.most(1.5 * d);
      }),
    );
  });
});

describe('fullJitter', () => {
  it('draws uniformly from [0, delay): random x delay', () => {
    expect(fullJitter(4000, seqRandom([0]))).to.equal(0);
    expect(fullJitter(4000, seqRandom([0.25]))).to.equal(1000);
    expect(fullJitter(4000, seqRandom([almostOne]))).to.be.below(4000);
  });

  it('stays in [0, delay] for any random draw', () => {
    fc.assert(
      fc.property(delay, unit, (d, r) => {
        const value = fullJitter(d, () => r);
        expect(value).to.be.at.least(0);
        expect(value).to.be.at.most(d);
      }),
    );
  });
});

describe('equalJitter', () => {
  it('keeps half the delay and draws the other half: delay/2 + random x delay/2', () => {
    expect(equalJitter(4000, seqRandom([0]))).to.equal(2000);
    expect(equalJitter(4000, seqRandom([0.5]))).to.equal(3000);
    expect(equalJitter(4000, seqRandom([almostOne]))).to.be.at.most(4000);
  });

  it('stays in [delay/2, delay] for any random draw', () => {
    fc.assert(
      fc.property(delay, unit, (d, r) => {
        const value = equalJitter(d, () => r);
        expect(value).to.be.at.least(d / 2);
        expect(value).to.be.at.most(d);
      }),
    );
  });
});

describe('decorrelatedJitter', () => {
  it('draws from [base, previous x 3): base + random x (3 x previous - base)', () => {
    expect(decorrelatedJitter(1000, 2000, seqRandom([0]))).to.equal(1000);
    expect(decorrelatedJitter(1000, 2000, seqRandom([0.5]))).to.equal(3500);
    expect(decorrelatedJitter(1000, 2000, seqRandom([almostOne]))).to.be.below(6000);
  });

  it('returns the base when three times the previous delay is below it', () => {
    expect(decorrelatedJitter(1000, 100, seqRandom([0.9]))).to.equal(1000);
  });

  it('stays in [base, max(base, 3 x previous)] for any random draw', () => {
    fc.assert(
      fc.property(delay, delay, unit, (base, previous, r) => {
        const value = decorrelatedJitter(base, previous, () => r);
        expect(value).to.be.at.least(base);
        expect(value).to.be.at.most(Math.max(base, previous * 3));
      }),
    );
  });
});
