import { expect } from 'chai';
import { nominalScheduleMs } from '../../src/backoff/nominalScheduleMs.js';
import { mysqlRetryDefaults, redisRetryDefaults } from '../../src/retry/RetryOptions.js';

describe('nominalScheduleMs', () => {
  it('sums the un-jittered delays: 1 + 2 + 4 s for MySQL, 0.5 + 1 + 2 s for Redis', () => {
    expect(nominalScheduleMs(mysqlRetryDefaults)).to.equal(7000);
    expect(nominalScheduleMs(redisRetryDefaults)).to.equal(3500);
  });

  it('caps each delay at maxDelayMs and the sum at maxElapsedMs', () => {
    const policy = { ...mysqlRetryDefaults, maxRetries: 5, maxDelayMs: 5000 };
    expect(nominalScheduleMs(policy)).to.equal(1000 + 2000 + 4000 + 5000 + 5000);
    expect(nominalScheduleMs({ ...policy, maxElapsedMs: 9000 })).to.equal(9000);
  });

  it('is 0 without retries, and stops adding past a day', () => {
    expect(nominalScheduleMs({ ...mysqlRetryDefaults, maxRetries: 0 })).to.equal(0);
    const huge = { ...mysqlRetryDefaults, maxRetries: 1e9, maxDelayMs: 2 ** 31 - 1 };
    expect(nominalScheduleMs(huge))
      .to.be.above(86_400_000)
      .and.below(86_400_000 * 2);
  });
});
