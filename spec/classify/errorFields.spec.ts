import { expect } from 'chai';
import {
  errorCode,
  errorErrno,
  errorName,
  innermostSocketError,
} from '../../src/classify/errorFields.js';
import { codeError } from '../helpers/fakeErrors.js';

describe('errorCode / errorErrno / errorName', () => {
  it('read the fields with the right type only', () => {
    const error = codeError('ECONNREFUSED', -111);
    expect(errorCode(error)).to.equal('ECONNREFUSED');
    expect(errorErrno(error)).to.equal(-111);
    expect(errorName(error)).to.equal('Error');
    expect(errorCode({ code: 1040 })).to.equal(undefined);
    expect(errorErrno({ errno: '1040' })).to.equal(undefined);
    expect(errorName({ name: 7 })).to.equal(undefined);
  });

  it('read nothing from non-objects', () => {
    for (const value of [null, undefined, 'ECONNREFUSED', 3]) {
      expect(errorCode(value)).to.equal(undefined);
      expect(errorErrno(value)).to.equal(undefined);
      expect(errorName(value)).to.equal(undefined);
    }
  });
});

describe('innermostSocketError', () => {
  it('returns the first inner error with a code from an AggregateError without one', () => {
    const inner = codeError('ECONNREFUSED');
    expect(innermostSocketError(new AggregateError([new Error('x'), inner]))).to.equal(inner);
  });

  it('returns the first inner error when none has a code', () => {
    const first = new Error('a');
    expect(innermostSocketError(new AggregateError([first, new Error('b')]))).to.equal(first);
  });

  it('returns the error itself otherwise', () => {
    const plain = codeError('ECONNRESET');
    expect(innermostSocketError(plain)).to.equal(plain);
    const coded = Object.assign(new AggregateError([codeError('EPIPE')]), { code: 'ECONNREFUSED' });
    expect(innermostSocketError(coded)).to.equal(coded);
    const empty = new AggregateError([]);
    expect(innermostSocketError(empty)).to.equal(empty);
  });
});
