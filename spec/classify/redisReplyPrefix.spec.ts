import { expect } from 'chai';
import { redisReplyPrefix } from '../../src/classify/redisReplyPrefix.js';
import { replyError } from '../helpers/fakeErrors.js';

describe('redisReplyPrefix', () => {
  const replies: readonly [string, string][] = [
    ['LOADING Redis is loading the dataset in memory', 'LOADING'],
    ['WRONGPASS invalid username-password pair', 'WRONGPASS'],
    ['NOAUTH Authentication required.', 'NOAUTH'],
    ["READONLY You can't write against a read only replica.", 'READONLY'],
    ['-BUSY Redis is busy running a script.', 'BUSY'],
    ['ERR unknown command', 'ERR'],
    ['CLUSTERDOWN', 'CLUSTERDOWN'],
    ['NOT_A_REAL_CODE x', 'NOT_A_REAL_CODE'],
  ];
  for (const [message, prefix] of replies) {
    it(`reads ${prefix} from the reply ${JSON.stringify(message)}`, () => {
      expect(redisReplyPrefix(replyError(message))).to.equal(prefix);
    });
  }

  it('reads nothing from an error that is not a ReplyError', () => {
    expect(redisReplyPrefix(new Error('LOADING x'))).to.equal(undefined);
    expect(redisReplyPrefix({ name: 'ReplyError', message: 'LOADING x' })).to.equal(undefined);
    expect(redisReplyPrefix('LOADING x')).to.equal(undefined);
  });

  it('reads nothing from a reply that does not start with an upper-case word', () => {
    expect(redisReplyPrefix(replyError('loading x'))).to.equal(undefined);
    expect(redisReplyPrefix(replyError(' LOADING x'))).to.equal(undefined);
    expect(redisReplyPrefix(replyError(''))).to.equal(undefined);
  });
});
