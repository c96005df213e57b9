import { inspect } from 'node:util';
import { expect } from 'chai';
import sinon from 'sinon';
import { isUnsent } from '../../src/classify/unsent.js';
import { systemClock } from '../../src/internal/Clock.js';
import { RedisConnection, type RedisConnectionOptions } from '../../src/ioredis/RedisConnection.js';
import type { RedisConnectionError } from '../../src/ioredis/RedisConnectionError.js';
import { settled } from '../helpers/settled.js';
import { FakeIoredis, fakeTimerOptions, replyError } from './FakeIoredis.js';

const options: RedisConnectionOptions = {
  clock: systemClock,
  commandTimeoutMs: 1000,
  healthCheckIntervalMs: 0,
  quitTimeoutMs: 300,
  logger: undefined,
};

/** A connection over a fake instance that is already ready. */
async function readyConnection(
  overrides: Partial<RedisConnectionOptions> = {},
): Promise<{ fake: FakeIoredis; connection: RedisConnection }> {
  const fake = new FakeIoredis({ password: 'pa55word-secret' });
  const connection = new RedisConnection(fake.asRedis, { ...options, ...overrides });
  await fake.connect();
  return { fake, connection };
}

const flush = (): Promise<void> =>
  new Promise((resolve) => {
    process.nextTick(resolve);
  });

describe('RedisConnection', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ ...fakeTimerOptions, toFake: [...fakeTimerOptions.toFake] });
  });
  afterEach(() => {
    clock.restore();
  });

  describe('send', () => {
    it('sends the command when the instance is ready', async () => {
      const { fake, connection } = await readyConnection();
      expect(await connection.send('GET', (redis) => redis.call('get', 'k'))).to.equal('OK');
      expect(fake.sent).to.deep.equal([{ name: 'get', args: ['k'] }]);
    });

    for (const status of ['wait', 'connecting', 'connect', 'reconnecting', 'close', 'end']) {
      it(`refuses it unsent, without calling ioredis, when the instance is '${status}'`, async () => {
        const { fake, connection } = await readyConnection();
        fake.status = status;
        const error = (await connection
          .send('INCR', (redis) => redis.call('incr', 'k'))
          .catch((e: unknown) => e)) as RedisConnectionError;
        expect(error.code).to.equal('ERR_HOLDFAST_REDIS_NOT_WRITABLE');
        expect(isUnsent(error)).to.equal(true);
        expect(fake.sent).to.deep.equal([]);
      });
    }

    it('reports a command in flight when the connection closes as ERR_HOLDFAST_REDIS_CONNECTION_CLOSED', async () => {
      const { fake, connection } = await readyConnection();
      fake.reply = () => 'hold';
      const result = settled(connection.send('INCR', (redis) => redis.call('incr', 'k')));
      fake.drop();
      await flush();
      expect((result.error as RedisConnectionError).code).to.equal(
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
      );
      expect(isUnsent(result.error)).to.equal(false);
    });

    it('passes a server error reply through', async () => {
      const { fake, connection } = await readyConnection();
      const wrongType = replyError('WRONGTYPE wrong kind of value');
      fake.reply = () => ({ error: wrongType });
      const error = await connection
        .send('LPUSH', (redis) => redis.call('lpush', 'k', 'v'))
        .catch((e: unknown) => e);
      expect(error).to.equal(wrongType);
    });
  });

  describe('dispatchCall and dispatch (the client’s hot path)', () => {
    it('hands back ioredis’s own promise: no conversion layer on the way', async () => {
      const { fake, connection } = await readyConnection();
      const call = sinon.spy(fake, 'call');
      const pending = connection.dispatchCall('HGETALL', 'hgetall', ['h']);
      expect(call.calledOnceWithExactly('hgetall', 'h')).to.equal(true);
      expect(pending).to.equal(call.firstCall.returnValue);
      expect(await pending).to.equal('OK');
      const run = (): Promise<unknown> => Promise.resolve('mine');
      const own = run();
      expect(connection.dispatch('op', () => own)).to.equal(own);
    });

    it('rejects with what ioredis rejected, for the manager to convert once', async () => {
      const { fake, connection } = await readyConnection();
      fake.reply = () => 'hold';
      const result = settled(connection.dispatchCall('INCR', 'incr', ['k']));
      fake.drop();
      await flush();
      const raw = result.error as Error;
      expect(raw.message).to.equal('Connection is closed.');
      const converted = connection.convertError(raw, 'INCR') as RedisConnectionError;
      expect(converted.code).to.equal('ERR_HOLDFAST_REDIS_CONNECTION_CLOSED');
      expect(converted.command).to.equal('INCR');
    });

    it('turns a synchronous throw of the operation into a rejection', async () => {
      const { connection } = await readyConnection();
      const thrown = new TypeError('bad argument');
      const result = settled(
        connection.dispatch('op', () => {
          throw thrown;
        }),
      );
      await flush();
      expect(result.error).to.equal(thrown);
    });

    for (const status of ['connect', 'close', 'end']) {
      it(`refuses unsent, converted already, without calling ioredis, when the instance is '${status}'`, async () => {
        const { fake, connection } = await readyConnection();
        fake.status = status;
        for (const pending of [
          connection.dispatchCall('INCR', 'incr', ['k']),
          connection.dispatch('INCR', (redis) => redis.call('incr', 'k')),
        ]) {
          const error = (await pending.catch((e: unknown) => e)) as RedisConnectionError;
          expect(error.code).to.equal('ERR_HOLDFAST_REDIS_NOT_WRITABLE');
          expect(isUnsent(error)).to.equal(true);
          expect(connection.convertError(error, 'INCR')).to.equal(error);
        }
        expect(fake.sent).to.deep.equal([]);
      });
    }
  });

  describe('convertError', () => {
    it('changes nothing when given its own result again', async () => {
      const { connection } = await readyConnection();
      const loading = replyError('LOADING Redis is loading the dataset in memory');
      const once = connection.convertError(loading, 'INCR');
      expect(isUnsent(once)).to.equal(true);
      expect(connection.convertError(once, 'INCR')).to.equal(once);
      const closed = connection.convertError(new Error('Connection is closed.'), 'GET');
      expect(connection.convertError(closed, 'GET')).to.equal(closed);
    });

    it('after the watchdog gave up: a timeout for what was in flight, never wrapped twice, a refusal left unsent', async () => {
      const { fake, connection } = await readyConnection();
      connection.startWatchdog();
      fake.reply = () => 'hold';
      const inFlight = settled(connection.dispatchCall('GET', 'get', ['k']));
      await clock.tickAsync(1250);
      const timeout = connection.convertError(inFlight.error, 'GET') as RedisConnectionError;
      expect(timeout.code).to.equal('ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT');
      expect(timeout.cause).to.equal(inFlight.error);
      expect(connection.convertError(timeout, 'GET')).to.equal(timeout);
      const refusal = await connection.dispatchCall('INCR', 'incr', ['k']).catch((e: unknown) => e);
      const converted = connection.convertError(refusal, 'INCR') as RedisConnectionError;
      expect(converted.code).to.equal('ERR_HOLDFAST_REDIS_NOT_WRITABLE');
      expect(isUnsent(converted)).to.equal(true);
    });
  });

  describe('watchdog', () => {
    it('destroys a connection that answers nothing for commandTimeoutMs, within 1.25 x it', async () => {
      const { fake, connection } = await readyConnection();
      connection.startWatchdog();
      fake.reply = () => 'hold';
      const result = settled(connection.send('GET', (redis) => redis.call('get', 'k')));
      await clock.tickAsync(999);
      expect(result.state).to.equal('pending');
      await clock.tickAsync(251);
      expect(result.state).to.equal('rejected');
      expect((result.error as RedisConnectionError).code).to.equal(
        'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT',
      );
      expect(fake.status).to.equal('end');
      expect(connection.usable).to.equal(false);
    });

    it('leaves a slow but answering connection alone', async () => {
      const { fake, connection } = await readyConnection();
      connection.startWatchdog();
      fake.reply = () => 'hold';
      for (let i = 0; i < 10; i++) {
        const pending = connection.send('GET', (redis) => redis.call('get', 'k'));
        await clock.tickAsync(600);
        fake.release('v');
        expect(await pending).to.equal('v');
      }
      expect(fake.status).to.equal('ready');
    });

    it('watches commands sent on the instance directly too', async () => {
      const { fake, connection } = await readyConnection();
      connection.startWatchdog();
      fake.reply = () => 'hold';
      void connection.redis.call('get', 'k').catch(() => undefined);
      await clock.tickAsync(1250);
      expect(fake.status).to.equal('end');
    });

    it('does not count a blocking command as unanswered', async () => {
      const { fake, connection } = await readyConnection();
      connection.startWatchdog();
      fake.reply = () => 'hold';
      const result = settled(connection.send('BLPOP', (redis) => redis.call('blpop', 'q', 0)));
      await clock.tickAsync(10_000);
      expect(result.state).to.equal('pending');
      expect(fake.status).to.equal('ready');
    });

    it('is off with commandTimeoutMs 0', async () => {
      const { fake, connection } = await readyConnection({ commandTimeoutMs: 0 });
      connection.startWatchdog();
      fake.reply = () => 'hold';
      const result = settled(connection.send('GET', (redis) => redis.call('get', 'k')));
      await clock.tickAsync(60_000);
      expect(result.state).to.equal('pending');
      expect(clock.countTimers()).to.equal(0);
    });

    it('stops when the instance ends', async () => {
      const { fake, connection } = await readyConnection();
      connection.startWatchdog();
      expect(clock.countTimers()).to.equal(1);
      fake.drop();
      await flush();
      await flush();
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('health check', () => {
    it('PINGs an idle connection every healthCheckIntervalMs', async () => {
      const { fake, connection } = await readyConnection({ healthCheckIntervalMs: 500 });
      connection.startWatchdog();
      await clock.tickAsync(2000);
      const pings = fake.sent.filter((c) => c.name === 'ping').length;
      expect(pings).to.be.within(2, 4);
    });

    it('finds an idle dead connection: its PING goes unanswered', async () => {
      const { fake, connection } = await readyConnection({ healthCheckIntervalMs: 500 });
      connection.startWatchdog();
      fake.reply = () => 'hold';
      await clock.tickAsync(500 + 250 + 1250);
      expect(fake.status).to.equal('end');
    });
  });

  describe('lost$', () => {
    it('emits when the instance closes', async () => {
      const { fake, connection } = await readyConnection();
      const seen: Error[] = [];
      connection.lost$().subscribe((error) => seen.push(error));
      fake.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      fake.drop();
      await flush();
      expect(seen.length).to.be.at.least(1);
      expect((seen[0] as RedisConnectionError).code).to.equal(
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
      );
      expect(((seen[0] as Error).cause as { code: string }).code).to.equal('ECONNRESET');
    });

    it('emits at once for an instance already gone', async () => {
      const { fake, connection } = await readyConnection();
      fake.status = 'end';
      const seen: Error[] = [];
      connection.lost$().subscribe((error) => seen.push(error));
      expect(seen).to.have.length(1);
    });

    it('removes its listeners on unsubscribe', async () => {
      const { fake, connection } = await readyConnection();
      const before = fake.listenerCount('end');
      const subscription = connection.lost$().subscribe(() => undefined);
      expect(fake.listenerCount('end')).to.equal(before + 1);
      subscription.unsubscribe();
      expect(fake.listenerCount('end')).to.equal(before);
    });
  });

  describe('close', () => {
    it('sends QUIT, then drops the socket', async () => {
      const { fake, connection } = await readyConnection();
      await connection.close();
      expect(fake.sent.map((c) => c.name)).to.deep.equal(['quit']);
      expect(fake.status).to.equal('end');
    });

    it('waits at most quitTimeoutMs for QUIT', async () => {
      const { fake, connection } = await readyConnection();
      fake.reply = () => 'hold';
      const closing = settled(connection.close());
      await clock.tickAsync(299);
      expect(closing.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(closing.state).to.equal('resolved');
      expect(fake.disconnects).to.equal(1);
    });

    it('only drops an instance that is not ready', async () => {
      const { fake, connection } = await readyConnection();
      fake.status = 'connect';
      await connection.close();
      expect(fake.sent).to.deep.equal([]);
      expect(fake.disconnects).to.equal(1);
    });
  });

  describe('error events', () => {
    it('listens to them for the instance’s whole life, so none goes unhandled', async () => {
      const { fake, connection } = await readyConnection();
      expect(() => fake.emit('error', new Error('boom'))).to.not.throw();
      expect((connection.lastError as Error).message).to.equal('boom');
    });
  });

  describe('util.inspect', () => {
    it('shows the id and status, never the options', async () => {
      const { connection } = await readyConnection();
      const text = inspect({ connection }, { depth: 5 });
      expect(text).to.match(/RedisConnection #\d+ \(ready\)/);
      expect(text).to.not.contain('pa55word-secret');
      expect(JSON.stringify(connection)).to.not.contain('pa55word-secret');
    });
  });
});
