import { expect } from 'chai';
import { adviseOnAuthFailure } from '../../src/ioredis/adviseOnAuthFailure.js';
import { replyError } from '../helpers/fakeErrors.js';

describe('adviseOnAuthFailure', () => {
  for (const reply of [
    'WRONGPASS invalid username-password pair or user is disabled.',
    'NOAUTH Authentication required.',
    "NOPERM User app has no permissions to run the 'get' command",
  ]) {
    it(`names the options to check on "${reply.split(' ')[0] ?? ''}", keeping the ReplyError`, () => {
      const error = replyError(reply);
      expect(adviseOnAuthFailure(error)).to.equal(error);
      expect(error.name).to.equal('ReplyError');
      expect(error.message.startsWith(reply.replace(/\.$/, ''))).to.equal(true);
      expect(error.message).to.include('`password`').and.include('REDIS_URL');
    });
  }

  it('leaves other replies and errors as they are', () => {
    const loading = replyError('LOADING Redis is loading the dataset in memory');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    adviseOnAuthFailure(loading);
    adviseOnAuthFailure(refused);
    expect([loading.message, refused.message]).to.deep.equal([
      'LOADING Redis is loading the dataset in memory',
      'connect ECONNREFUSED',
    ]);
  });
});
