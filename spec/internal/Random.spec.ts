import { expect } from 'chai';
import { systemRandom } from '../../src/internal/Random.js';
import { seqRandom } from '../helpers/seqRandom.js';

describe('systemRandom', () => {
  it('draws from [0, 1)', () => {
    for (let i = 0; i < 1000; i++) expect(systemRandom()).to.be.at.least(0).and.below(1);
  });
});

describe('seqRandom (spec helper)', () => {
  it('returns the scripted values in order, then repeats the last one', () => {
    const random = seqRandom([0.1, 0.2]);
    expect([random(), random(), random(), random()]).to.deep.equal([0.1, 0.2, 0.2, 0.2]);
  });

  it('refuses values outside [0, 1), which no real random source returns', () => {
    expect(() => seqRandom([1])).to.throw(RangeError);
    expect(() => seqRandom([-0.1])).to.throw(RangeError);
    expect(() => seqRandom([])).to.throw(RangeError);
  });
});
