import { expect } from 'chai';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';

describe('OutcomeUnknownError', () => {
  it('names the operation whose outcome is unknown and keeps the driver error', () => {
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const error = new OutcomeUnknownError('unknown', { cause, operation: 'INSERT INTO orders' });
    expect(error.operation).to.equal('INSERT INTO orders');
    expect(error.cause).to.equal(cause);
  });
});
