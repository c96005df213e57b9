import { expect } from 'chai';
import { DatabaseConnectionRetry } from '../../src/reference/DatabaseConnectionRetry.js';
import { getDbConnectionRetry } from '../../src/reference/getDbConnectionRetry.js';
import { mysqlRetryDefaults } from '../../src/retry/RetryOptions.js';

describe('getDbConnectionRetry', () => {
  it('returns a DatabaseConnectionRetry with the defaults when the environment is empty', () => {
    const retry = getDbConnectionRetry({}, {});
    expect(retry).to.be.instanceOf(DatabaseConnectionRetry);
    expect(retry.policy).to.deep.equal(mysqlRetryDefaults);
  });

  it('applies DB_RETRY_* (seconds) over the defaults, and options over the environment', () => {
    const env = {
      DB_RETRY_MAX_ATTEMPTS: '5',
      DB_RETRY_BASE_DELAY: '2.5',
      DB_RETRY_MAX_DELAY: '60',
    };
    expect(getDbConnectionRetry({}, env).policy).to.include({
      maxRetries: 5,
      baseDelayMs: 2500,
      maxDelayMs: 60_000,
    });
    expect(getDbConnectionRetry({ maxRetries: 1, maxDelayMs: 20_000 }, env).policy).to.include({
      maxRetries: 1,
      baseDelayMs: 2500,
      maxDelayMs: 20_000,
    });
  });

  it('leaves the constructor alone: new DatabaseConnectionRetry() ignores the environment', () => {
    const saved = process.env.DB_RETRY_BASE_DELAY;
    process.env.DB_RETRY_BASE_DELAY = '7';
    try {
      expect(new DatabaseConnectionRetry().policy.baseDelayMs).to.equal(1000);
      expect(getDbConnectionRetry().policy.baseDelayMs).to.equal(7000);
    } finally {
      if (saved === undefined) delete process.env.DB_RETRY_BASE_DELAY;
      else process.env.DB_RETRY_BASE_DELAY = saved;
    }
  });

  it('names a malformed variable in its ConfigurationError', () => {
    expect(() => getDbConnectionRetry({}, { DB_RETRY_MAX_ATTEMPTS: 'three' }))
      .to.throw()
      .that.includes({ code: 'ERR_HOLDFAST_CONFIG', option: 'DB_RETRY_MAX_ATTEMPTS' });
  });

  it('returns a new instance per call', () => {
    expect(getDbConnectionRetry({}, {})).not.to.equal(getDbConnectionRetry({}, {}));
  });
});
