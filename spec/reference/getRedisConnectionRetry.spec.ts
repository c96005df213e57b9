import { expect } from 'chai';
import { RedisConnectionRetry } from '../../src/reference/RedisConnectionRetry.js';
import { getRedisConnectionRetry } from '../../src/reference/getRedisConnectionRetry.js';
import { redisRetryDefaults } from '../../src/retry/RetryOptions.js';

describe('getRedisConnectionRetry', () => {
  it('returns a RedisConnectionRetry with the defaults when the environment is empty', () => {
    const retry = getRedisConnectionRetry({}, {});
    expect(retry).to.be.instanceOf(RedisConnectionRetry);
    expect(retry.policy).to.deep.equal(redisRetryDefaults);
  });

  it('applies REDIS_RETRY_* (seconds) over the defaults, and options over the environment', () => {
    const env = {
      REDIS_RETRY_MAX_ATTEMPTS: '5',
      REDIS_RETRY_BASE_DELAY: '2.5',
      REDIS_RETRY_MAX_DELAY: '60',
    };
    expect(getRedisConnectionRetry({}, env).policy).to.include({
      maxRetries: 5,
      baseDelayMs: 2500,
      maxDelayMs: 60_000,
    });
    expect(getRedisConnectionRetry({ maxRetries: 1, maxDelayMs: 20_000 }, env).policy).to.include({
      maxRetries: 1,
      baseDelayMs: 2500,
      maxDelayMs: 20_000,
    });
  });

  it('leaves the constructor alone: new RedisConnectionRetry() ignores the environment', () => {
    const saved = process.env.REDIS_RETRY_BASE_DELAY;
    process.env.REDIS_RETRY_BASE_DELAY = '7';
    try {
      expect(new RedisConnectionRetry().policy.baseDelayMs).to.equal(500);
      expect(getRedisConnectionRetry().policy.baseDelayMs).to.equal(7000);
    } finally {
      if (saved === undefined) delete process.env.REDIS_RETRY_BASE_DELAY;
      else process.env.REDIS_RETRY_BASE_DELAY = saved;
    }
  });

  it('names a malformed variable in its ConfigurationError', () => {
    expect(() => getRedisConnectionRetry({}, { REDIS_RETRY_MAX_ATTEMPTS: 'three' }))
      .to.throw()
      .that.includes({ code: 'ERR_HOLDFAST_CONFIG', option: 'REDIS_RETRY_MAX_ATTEMPTS' });
  });

  it('returns a new instance per call', () => {
    expect(getRedisConnectionRetry({}, {})).not.to.equal(getRedisConnectionRetry({}, {}));
  });
});
