import { expect } from 'chai';
import { toError } from '../../src/connection/toError.js';

describe('toError', () => {
  it('keeps an Error as it is', () => {
    const error = new RangeError('x');
    expect(toError(error)).to.equal(error);
  });

  it('wraps anything else, keeping it as cause and redacting its text', () => {
    const wrapped = toError('auth failed: password=hunter2');
    expect(wrapped).to.be.instanceOf(Error);
    expect(wrapped.cause).to.equal('auth failed: password=hunter2');
    expect(wrapped.message).not.to.include('hunter2');
  });
});
