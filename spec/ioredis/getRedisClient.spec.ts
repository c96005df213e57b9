import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { createRedisClient, getRedisClient } from '../../src/ioredis/getRedisClient.js';
import type { RedisClient } from '../../src/ioredis/RedisClient.js';
import { silentLogger } from '../../src/telemetry/Logger.js';

// These clients stay idle: a client opens nothing until a command or ready().
describe('getRedisClient', () => {
  const made: RedisClient[] = [];
  const get = (...args: Parameters<typeof getRedisClient>): RedisClient => {
    const client = getRedisClient(...args);
    made.push(client);
    return client;
  };

  afterEach(async () => {
    await Promise.all(made.splice(0).map((client) => client.close()));
  });

  it('returns the same client for equal options', () => {
    const a = get({ env: {}, port: 7001, retry: { maxRetries: 2 }, logger: silentLogger });
    const b = get({ logger: silentLogger, retry: { maxRetries: 2 }, port: 7001, env: {} });
    expect(b).to.equal(a);
  });

  it('returns another client for other options, or another logger object', () => {
    const a = get({ env: {}, port: 7001 });
    expect(get({ env: {}, port: 7002 })).to.not.equal(a);
    expect(get({ env: {}, port: 7001, logger: { ...silentLogger } })).to.not.equal(a);
  });

  it('reads REDIS_URL when no url is given', () => {
    const client = get({ env: { REDIS_URL: 'redis://:pw@cache.internal:6390/4' } });
    expect(client.options).to.include({ host: 'cache.internal', port: 6390, db: 4 });
    expect(client.targetName).to.equal('redis cache.internal:6390');
  });

  it('gives a new client for a changed REDIS_URL', () => {
    const env: Record<string, string> = { REDIS_URL: 'redis://a:6379' };
    const first = get({ env: { ...env } });
    expect(get({ env: { REDIS_URL: 'redis://b:6379' } })).to.not.equal(first);
  });

  it('forgets a client once it is closed', async () => {
    const first = get({ env: {}, port: 7003 });
    await first.close();
    expect(get({ env: {}, port: 7003 })).to.not.equal(first);
  });

  it('throws a ConfigurationError for a malformed REDIS_URL, before connecting', () => {
    expect(() => get({ env: { REDIS_URL: 'not a url' } })).to.throw(ConfigurationError);
  });
});

describe('createRedisClient', () => {
  it('returns a new client every time', async () => {
    const a = createRedisClient({ env: {} });
    const b = createRedisClient({ env: {} });
    expect(a).to.not.equal(b);
    expect(a.state.status).to.equal('idle');
    await Promise.all([a.close(), b.close()]);
  });
});
