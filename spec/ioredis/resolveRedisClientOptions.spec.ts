import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { ownedIoredisOptions } from '../../src/ioredis/RedisClientOptions.js';
import { resolveRedisClientOptions } from '../../src/ioredis/resolveRedisClientOptions.js';
import type { RedisClientOptions } from '../../src/ioredis/RedisClientOptions.js';

const noEnv = { env: {} };

function refusal(options: unknown, fromEnvUrl = false): ConfigurationError {
  try {
    resolveRedisClientOptions(options as RedisClientOptions, fromEnvUrl);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('resolveRedisClientOptions', () => {
  describe('the ioredis options holdfast owns', () => {
    for (const key of Object.keys(ownedIoredisOptions)) {
      it(`refuses \`${key}\`, naming it and what to use instead`, () => {
        const error = refusal({ ...noEnv, [key]: key === 'lazyConnect' ? false : 1 });
        expect(error.option).to.equal(key);
        expect(error.message).to.contain(`\`${key}\``);
      });
    }

    it('refuses them in the URL too', () => {
      expect(refusal({ url: 'redis://h?enableOfflineQueue=true', env: {} }).option).to.equal('url');
    });

    it('sets them so that ioredis neither reconnects, queues nor re-sends', () => {
      const { ioredis } = resolveRedisClientOptions(noEnv, false);
      expect(ioredis).to.include({
        lazyConnect: true,
        retryStrategy: null,
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
        autoResendUnfulfilledCommands: false,
        reconnectOnError: null,
      });
      expect(ioredis.sentinelRetryStrategy?.(1)).to.equal(null);
    });

    it('accepts one given with the value holdfast sets anyway (BullMQ: maxRetriesPerRequest null)', () => {
      const { ioredis } = resolveRedisClientOptions(
        { ...noEnv, maxRetriesPerRequest: null, lazyConnect: true } as RedisClientOptions,
        false,
      );
      expect(ioredis).to.include({ maxRetriesPerRequest: null, lazyConnect: true });
      expect(refusal({ ...noEnv, maxRetriesPerRequest: 20 }).option).to.equal(
        'maxRetriesPerRequest',
      );
    });
  });

  describe('other ioredis options', () => {
    it('pass through untouched: TLS, sentinels, db, keyPrefix, username', () => {
      const tls = { ca: 'cert', servername: 'cache' };
      const sentinels = [{ host: 's1', port: 26379 }];
      const { ioredis, targetName, target } = resolveRedisClientOptions(
        {
          ...noEnv,
          tls,
          sentinels,
          name: 'mymaster',
          db: 3,
          keyPrefix: 'app:',
          username: 'u',
          sentinelPassword: 'x',
        },
        false,
      );
      expect(ioredis).to.include({
        tls,
        sentinels,
        name: 'mymaster',
        db: 3,
        keyPrefix: 'app:',
        username: 'u',
        sentinelPassword: 'x',
      });
      expect(targetName).to.equal('redis mymaster');
      expect(target).to.deep.equal({ system: 'redis', namespace: '3' });
    });
  });

  describe('the URL', () => {
    it('comes from REDIS_URL for a process-wide client', () => {
      const resolved = resolveRedisClientOptions(
        { env: { REDIS_URL: 'rediss://:pw@cache:6380/1' } },
        true,
      );
      expect(resolved.ioredis).to.deep.include({
        host: 'cache',
        port: 6380,
        db: 1,
        password: 'pw',
        tls: {},
      });
      expect(resolved.targetName).to.equal('redis cache:6380');
      expect(resolved.display).to.equal('rediss://cache:6380/1');
      expect(resolved.target).to.deep.equal({
        system: 'redis',
        address: 'cache',
        port: 6380,
        namespace: '1',
      });
    });

    it('is not read from REDIS_URL by createRedisClient', () => {
      const resolved = resolveRedisClientOptions(
        { env: { REDIS_URL: 'redis://cache:6380' } },
        false,
      );
      expect(resolved.ioredis.host).to.equal(undefined);
      expect(resolved.display).to.equal('redis://localhost:6379/0');
    });

    it('is overridden by explicit options', () => {
      const resolved = resolveRedisClientOptions(
        { url: 'redis://:a@h:1/2', port: 7000, password: 'b', env: {} },
        false,
      );
      expect(resolved.ioredis).to.include({ host: 'h', port: 7000, db: 2, password: 'b' });
    });

    it('names REDIS_URL when it is malformed, without the password', () => {
      const error = refusal({ env: { REDIS_URL: 'mysql://:topsecret@h' } }, true);
      expect(error.option).to.equal('REDIS_URL');
      expect(error.message).to.not.contain('topsecret');
    });
  });

  describe('retry options', () => {
    it('default to the Redis policy with REDIS_RETRY_* applied, explicit options first', () => {
      const resolved = resolveRedisClientOptions(
        {
          env: { REDIS_RETRY_MAX_ATTEMPTS: '5', REDIS_RETRY_BASE_DELAY: '0.25' },
          retry: { maxRetries: 2 },
        },
        false,
      );
      expect(resolved.policy).to.include({ maxRetries: 2, baseDelayMs: 250, maxDelayMs: 10_000 });
      expect(resolved.retryDefaults).to.include({ maxRetries: 5 });
    });

    it('refuse a typo before anything connects', () => {
      expect(refusal({ ...noEnv, retry: { maxRetriez: 3 } }).option).to.equal('maxRetriez');
    });

    it('refuse a malformed REDIS_RETRY_* variable, naming it', () => {
      expect(refusal({ env: { REDIS_RETRY_MAX_DELAY: 'soon' } }).option).to.equal(
        'REDIS_RETRY_MAX_DELAY',
      );
    });
  });

  describe('durations', () => {
    it('default to 5 s command timeout, 5 s health check, 5 s connect, 1 s quit', () => {
      expect(resolveRedisClientOptions(noEnv, false)).to.include({
        commandTimeoutMs: 5000,
        healthCheckIntervalMs: 5000,
        connectTimeoutMs: 5000,
        quitTimeoutMs: 1000,
      });
    });

    for (const key of [
      'commandTimeoutMs',
      'healthCheckIntervalMs',
      'connectTimeoutMs',
      'quitTimeoutMs',
    ]) {
      it(`refuse a negative, NaN or too large \`${key}\``, () => {
        for (const value of [-1, Number.NaN, 2 ** 31, '5']) {
          expect(refusal({ ...noEnv, [key]: value }).option).to.equal(key);
        }
      });
    }
  });

  it('refuses options that are not an object', () => {
    expect(refusal('redis://h')).to.be.instanceOf(ConfigurationError);
  });
});
