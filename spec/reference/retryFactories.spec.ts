// getDbConnectionRetry and getRedisConnectionRetry read the same kind of environment under
// different prefixes and defaults: one table of cases runs against both.
import { expect } from 'chai';
import { DatabaseConnectionRetry } from '../../src/reference/DatabaseConnectionRetry.js';
import { RedisConnectionRetry } from '../../src/reference/RedisConnectionRetry.js';
import { getDbConnectionRetry } from '../../src/reference/getDbConnectionRetry.js';
import { getRedisConnectionRetry } from '../../src/reference/getRedisConnectionRetry.js';
import { mysqlRetryDefaults, redisRetryDefaults } from '../../src/retry/RetryOptions.js';

const factories = [
  {
    name: 'getDbConnectionRetry',
    get: getDbConnectionRetry,
    Class: DatabaseConnectionRetry,
    defaults: mysqlRetryDefaults,
    prefix: 'DB_RETRY',
  },
  {
    name: 'getRedisConnectionRetry',
    get: getRedisConnectionRetry,
    Class: RedisConnectionRetry,
    defaults: redisRetryDefaults,
    prefix: 'REDIS_RETRY',
  },
] as const;

for (const { name, get, Class, defaults, prefix } of factories) {
  describe(name, () => {
    it(`returns a ${Class.name} with the defaults when the environment is empty`, () => {
      const retry = get({}, {});
      expect(retry).to.be.instanceOf(Class);
      expect(retry.policy).to.deep.equal(defaults);
    });

    it(`applies ${prefix}_* (seconds) over the defaults, and options over the environment`, () => {
      const env = {
        [`${prefix}_MAX_ATTEMPTS`]: '5',
        [`${prefix}_BASE_DELAY`]: '2.5',
        [`${prefix}_MAX_DELAY`]: '60',
      };
      expect(get({}, env).policy).to.include({
        maxRetries: 5,
        baseDelayMs: 2500,
        maxDelayMs: 60_000,
      });
      expect(get({ maxRetries: 1, maxDelayMs: 20_000 }, env).policy).to.include({
        maxRetries: 1,
        baseDelayMs: 2500,
        maxDelayMs: 20_000,
      });
    });

    it(`leaves the constructor alone: new ${Class.name}() ignores the environment`, () => {
      const variable = `${prefix}_BASE_DELAY`;
      const saved = process.env[variable];
      process.env[variable] = '7';
      try {
        expect(new Class().policy.baseDelayMs).to.equal(defaults.baseDelayMs);
        expect(get().policy.baseDelayMs).to.equal(7000);
      } finally {
        if (saved === undefined) Reflect.deleteProperty(process.env, variable);
        else process.env[variable] = saved;
      }
    });

    it('names a malformed variable in its ConfigurationError', () => {
      const variable = `${prefix}_MAX_ATTEMPTS`;
      expect(() => get({}, { [variable]: 'three' }))
        .to.throw()
        .that.includes({ code: 'ERR_HOLDFAST_CONFIG', option: variable });
    });

    it('returns a new instance per call', () => {
      expect(get({}, {})).not.to.equal(get({}, {}));
    });
  });
}
