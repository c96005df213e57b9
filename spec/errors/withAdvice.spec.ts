import { expect } from 'chai';
import { withAdvice } from '../../src/errors/withAdvice.js';
import { codeError } from '../helpers/fakeErrors.js';

describe('withAdvice', () => {
  it('appends the advice to the message and the stack, keeping class, code and errno', () => {
    const error = codeError('ER_ACCESS_DENIED_ERROR', 1045, "Access denied for user 'app'@'h'");
    const same = withAdvice(error, 'Check the `password` option.');
    expect(same).to.equal(error);
    expect(error.message).to.equal(
      "Access denied for user 'app'@'h'. Check the `password` option.",
    );
    expect(error.stack?.split('\n')[0]).to.equal(`Error: ${error.message}`);
    expect(error).to.include({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 });
  });

  it('advises an error once, however often it is passed on', () => {
    const error = new Error('WRONGPASS invalid username-password pair.');
    withAdvice(error, 'Check REDIS_URL.');
    withAdvice(error, 'Check REDIS_URL.');
    expect(error.message).to.equal('WRONGPASS invalid username-password pair. Check REDIS_URL.');
  });

  it('leaves anything that is not an Error alone', () => {
    expect(withAdvice('boom', 'advice')).to.equal('boom');
    expect(withAdvice(null, 'advice')).to.equal(null);
  });
});
