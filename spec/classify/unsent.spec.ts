import { expect } from 'chai';
import { isUnsent, markUnsent } from '../../src/classify/unsent.js';

describe('markUnsent', () => {
  it('marks an error as raised before anything was sent, and returns it', () => {
    const error = new Error('pool checkout timed out');
    expect(markUnsent(error)).to.equal(error);
    expect(isUnsent(error)).to.equal(true);
  });

  it('leaves primitives as they are', () => {
    expect(markUnsent('x')).to.equal('x');
    expect(isUnsent('x')).to.equal(false);
  });

  it("does not change the error's visible fields", () => {
    const error = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    markUnsent(error);
    expect(Object.keys(error)).to.deep.equal(['code']);
  });
});

describe('isUnsent', () => {
  it('is false for unmarked errors and non-objects', () => {
    for (const value of [new Error('x'), {}, null, undefined, 0]) {
      expect(isUnsent(value)).to.equal(false);
    }
  });
});
