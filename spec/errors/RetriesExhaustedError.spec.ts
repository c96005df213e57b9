import { expect } from 'chai';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';

describe('RetriesExhaustedError', () => {
  it('carries the last error as cause, the attempt count and the target', () => {
    const last = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = new RetriesExhaustedError('gave up', {
      cause: last,
      attempts: 4,
      target: 'mysql-main',
    });
    expect(error.cause).to.equal(last);
    expect(error.attempts).to.equal(4);
    expect(error.target).to.equal('mysql-main');
  });

  it("says why the loop stopped, 'retries' unless told otherwise", () => {
    const base = { cause: new Error('x'), attempts: 2, target: 't' };
    expect(new RetriesExhaustedError('m', base).reason).to.equal('retries');
    expect(new RetriesExhaustedError('m', { ...base, reason: 'budget' }).reason).to.equal('budget');
    expect(new RetriesExhaustedError('m', { ...base, reason: 'deadline' }).reason).to.equal(
      'deadline',
    );
  });
});
