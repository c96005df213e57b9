import { expect } from 'chai';
import { summarizeError } from '../../src/cli/summarizeError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';

describe('summarizeError', () => {
  it('uses the driver code', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(summarizeError(error)).to.deep.equal({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
  });

  it('summarises a RetriesExhaustedError by its last error', () => {
    const last = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const error = new RetriesExhaustedError('gave up', { cause: last, attempts: 4, target: 't' });
    expect(summarizeError(error).code).to.equal('ECONNRESET');
  });

  it('takes the socket error out of a multi-address AggregateError', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:6379'), {
      code: 'ECONNREFUSED',
    });
    expect(summarizeError(new AggregateError([inner], '')).code).to.equal('ECONNREFUSED');
  });

  it('reads the Redis reply prefix of a ReplyError', () => {
    const reply = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      name: 'ReplyError',
    });
    expect(summarizeError(reply).code).to.equal('WRONGPASS');
  });

  it('falls back to the name, and redacts the message', () => {
    const summary = summarizeError(new TypeError('bad url mysql://u:hunter2@h'));
    expect(summary.code).to.equal('TypeError');
    expect(summary.message).to.not.include('hunter2');
  });
});
