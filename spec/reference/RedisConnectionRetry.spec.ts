import { expect } from 'chai';
import sinon from 'sinon';
import { RedisConnectionRetry } from '../../src/reference/RedisConnectionRetry.js';
import { redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import { codeError, replyError, wrongPass } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { recordingLogger } from '../helpers/telemetry.js';

/** Shaped like an ioredis client: ping() and disconnect(), nothing imported. */
class FakeRedis {
  pings = 0;
  disconnected = false;
  constructor(private readonly pingResult: () => Promise<string>) {}
  ping(): Promise<string> {
    this.pings += 1;
    return this.pingResult();
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

describe('RedisConnectionRetry', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('uses the reference Redis defaults (base 0.5 s, max 10 s)', () => {
    expect(new RedisConnectionRetry().policy).to.deep.equal(redisRetryDefaults);
  });

  describe('connectWithRetry()', () => {
    it('verifies a new client with PING before returning it', async () => {
      const retry = new RedisConnectionRetry();
      const client = new FakeRedis(() => Promise.resolve('PONG'));
      expect(await retry.connectWithRetry(() => client, 'redis-cache')).to.equal(client);
      expect(client.pings).to.equal(1);
      expect(client.disconnected).to.be.false;
    });

    it('disconnects a client whose PING fails and tries again with a new one', async () => {
      const log = recordingLogger();
      const retry = new RedisConnectionRetry({ logger: log.logger });
      const clients = [
        new FakeRedis(() => Promise.reject(replyError('LOADING Redis is loading the dataset'))),
        new FakeRedis(() => Promise.resolve('PONG')),
      ];
      let next = 0;
      const result = settled(retry.connectWithRetry(() => clients[next++]!, 'redis-cache'));
      await clock.tickAsync(1500); // LOADING is throttled: up to 0.75 s x 2
      expect(result.value).to.equal(clients[1]);
      expect(clients[0]?.disconnected).to.be.true;
      expect(log.messages('info')).to.deep.equal([
        'Attempting to connect to redis-cache',
        'Successfully connected to redis-cache',
      ]);
    });

    it('tries WRONGPASS once', async () => {
      const retry = new RedisConnectionRetry();
      let attempts = 0;
      const denied = wrongPass();
      const error = await retry
        .connectWithRetry(() => {
          attempts += 1;
          return Promise.reject(denied);
        })
        .catch((e: unknown) => e);
      expect(error).to.equal(denied);
      expect(attempts).to.equal(1);
    });

    it('fails at once with a TypeError when the client has no ping()', async () => {
      const retry = new RedisConnectionRetry();
      const error = await retry.connectWithRetry(() => ({})).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
    });
  });

  describe('executeWithRetry()', () => {
    it('retries a dropped connection and returns the value', async () => {
      const retry = new RedisConnectionRetry();
      let calls = 0;
      const value = settled(
        retry.executeWithRetry(() => {
          calls += 1;
          if (calls === 1) throw codeError('ECONNRESET');
          return 'v';
        }, 'get my_key'),
      );
      await clock.tickAsync(750);
      expect(value.value).to.equal('v');
    });
  });
});
