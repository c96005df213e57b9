import { expect } from 'chai';
import sinon from 'sinon';
import type { ConnectionStatus } from '../../src/connection/ConnectionState.js';
import { AbortedError } from '../../src/errors/AbortedError.js';
import { ClosedError } from '../../src/errors/ClosedError.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import { RedisClient } from '../../src/ioredis/RedisClient.js';
import type { RedisClientOptions } from '../../src/ioredis/RedisClientOptions.js';
import type { RedisConnectionError } from '../../src/ioredis/RedisConnectionError.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';
import {
  type FakeIoredis,
  FakeIoredisFactory,
  connectionClosedMessage,
  fakeTimerOptions,
  replyError,
} from './FakeIoredis.js';

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

/** A client over fake ioredis instances; jitter factor 1 (delays 500, 1000, 2000 ms). */
function fakeClient(factory: FakeIoredisFactory, options: RedisClientOptions = {}): RedisClient {
  return new RedisClient(
    { env: {}, random: seqRandom([0.5]), healthCheckIntervalMs: 0, ...options },
    { createIoredis: factory.create },
  );
}

/** Holds every reply except the verifying PING (the first command). */
function holdCommands(fake: FakeIoredis): void {
  fake.reply = () => (fake.sent.length === 1 ? { value: 'PONG' } : 'hold');
}

function sentOf(factory: FakeIoredisFactory, name: string): number {
  return factory.instances.reduce(
    (n, fake) => n + fake.sent.filter((c) => c.name === name).length,
    0,
  );
}

describe('RedisClient', () => {
  let clock: sinon.SinonFakeTimers;
  let factory: FakeIoredisFactory;
  let client: RedisClient;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ ...fakeTimerOptions, toFake: [...fakeTimerOptions.toFake] });
    factory = new FakeIoredisFactory();
  });

  afterEach(async () => {
    await client.close();
    clock.restore();
  });

  describe('a first command', () => {
    it('connects one instance with holdfast’s ioredis options, verifies it with PING, then sends', async () => {
      client = fakeClient(factory);
      expect(factory.instances).to.have.length(0);
      expect(await client.get('k')).to.equal('OK');
      expect(factory.instances).to.have.length(1);
      expect(factory.last.sent.map((c) => c.name)).to.deep.equal(['ping', 'get']);
      expect(factory.last.options).to.include({
        lazyConnect: true,
        retryStrategy: null,
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        enableReadyCheck: false,
      });
    });
  });

  describe('state$', () => {
    it('mirrors the instance: connected, then connecting when it closes, then connected again', async () => {
      client = fakeClient(factory);
      const statuses: ConnectionStatus[] = [];
      client.state$.subscribe((state) => statuses.push(state.status));
      await client.ready();
      factory.last.drop();
      await clock.tickAsync(0);
      await client.ready();
      expect(statuses).to.deep.equal([
        'idle',
        'connecting',
        'connected',
        'connecting',
        'connected',
      ]);
      expect(factory.instances).to.have.length(2);
    });
  });

  describe('a read whose connection closes before the reply', () => {
    it('is sent again on the new connection', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const value = settled(client.get('k'));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(value.state).to.equal('resolved');
      expect(value.value).to.equal('OK');
      expect(sentOf(factory, 'get')).to.equal(2);
    });
  });

  describe('an INCR whose connection closes before the reply', () => {
    it('is never sent again: OutcomeUnknownError with the closed connection as cause', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const result = settled(client.incr('counter'));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(OutcomeUnknownError);
      const error = result.error as OutcomeUnknownError;
      expect(error.operation).to.equal('INCR');
      expect((error.cause as RedisConnectionError).code).to.equal(
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
      );
      expect(sentOf(factory, 'incr')).to.equal(1);
      // The client reconnected all the same.
      await clock.tickAsync(0);
      expect(client.state.status).to.equal('connected');
    });
  });

  describe('an INCR on an instance that closed before it could be written', () => {
    it('is sent once, on the new connection', async () => {
      client = fakeClient(factory);
      await client.ready();
      // The instance is gone; its status events have not reached the manager yet.
      factory.last.status = 'end';
      expect(await client.incr('counter')).to.equal('OK');
      expect(factory.instances).to.have.length(2);
      expect(factory.instances[0]!.sent.map((c) => c.name)).to.deep.equal(['ping']);
      expect(sentOf(factory, 'incr')).to.equal(1);
    });
  });

  describe('an INCR refused with LOADING', () => {
    it('is sent again after a throttled wait: the server did not run it', async () => {
      client = fakeClient(factory);
      let loading = true;
      factory.defaultScript = (fake) => {
        fake.reply = ({ name }) =>
          name === 'incr' && loading
            ? { error: replyError('LOADING Redis is loading the dataset in memory') }
            : { value: 1 };
      };
      const result = settled(client.incr('counter'));
      await clock.tickAsync(0);
      expect(result.state).to.equal('pending');
      loading = false;
      await clock.tickAsync(1000);
      expect(result.value).to.equal(1);
      expect(sentOf(factory, 'incr')).to.equal(2);
    });
  });

  describe('commands issued while it reconnects', () => {
    beforeEach(async () => {
      client = fakeClient(factory);
      await client.ready();
      // The next two connects are refused, the third works.
      factory.next((fake) => (fake.connectScript = { kind: 'fail', error: refused() }));
      factory.next((fake) => (fake.connectScript = { kind: 'fail', error: refused() }));
      factory.last.drop();
      await clock.tickAsync(0);
    });

    it('wait for the connection instead of failing at once', async () => {
      expect(client.state.status).to.equal('retrying');
      const value = settled(client.get('k'));
      await clock.tickAsync(499);
      expect(value.state).to.equal('pending');
      await clock.tickAsync(1001);
      expect(value.state).to.equal('resolved');
    });

    it('give up waiting after timeoutMs with AbortedError, sending nothing', async () => {
      const result = settled(client.command('INCR', ['counter'], { timeoutMs: 200 }));
      await clock.tickAsync(200);
      expect(result.error).to.be.instanceOf(AbortedError);
      await clock.tickAsync(2000);
      expect(sentOf(factory, 'incr')).to.equal(0);
    });

    it('give up waiting when the caller’s signal fires', async () => {
      const controller = new AbortController();
      const result = settled(client.command('GET', ['k'], { signal: controller.signal }));
      await clock.tickAsync(100);
      controller.abort();
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(AbortedError);
    });
  });

  describe('a server that never comes back', () => {
    it('fails every waiting caller with RetriesExhaustedError, the socket error as cause, after the policy', async () => {
      client = fakeClient(factory);
      factory.defaultScript = (fake) => (fake.connectScript = { kind: 'fail', error: refused() });
      const results = [settled(client.get('a')), settled(client.incr('b'))];
      // Attempts at 0, 500, 1500, 3500 ms (delays 500, 1000, 2000).
      await clock.tickAsync(3499);
      expect(results.map((r) => r.state)).to.deep.equal(['pending', 'pending']);
      await clock.tickAsync(1);
      for (const result of results) {
        expect(result.error).to.be.instanceOf(RetriesExhaustedError);
        expect(((result.error as RetriesExhaustedError).cause as { code: string }).code).to.equal(
          'ECONNREFUSED',
        );
      }
      expect(factory.instances).to.have.length(4);
      expect(client.state.status).to.equal('failed');
      // No loop runs behind the callers' backs: no instance, no timer.
      await clock.tickAsync(60_000);
      expect(factory.instances).to.have.length(4);
    });
  });

  describe('a wrong password', () => {
    it('is tried once: the WRONGPASS reply, not "Connection is closed."', async () => {
      client = fakeClient(factory);
      const wrongPass = Object.assign(replyError('WRONGPASS invalid username-password pair'), {
        command: { name: 'hello', args: ['3', 'AUTH', 'default', 'hunter2-secret'] },
      });
      factory.defaultScript = (fake) => (fake.connectScript = { kind: 'fail', error: wrongPass });
      const result = settled(client.ready());
      await clock.tickAsync(10_000);
      expect(result.error).to.equal(wrongPass);
      expect(JSON.stringify(wrongPass.command)).to.not.contain('hunter2-secret');
      expect(factory.instances).to.have.length(1);
      expect(client.state.status).to.equal('failed');
    });
  });

  describe('execute', () => {
    it('gives OutcomeUnknownError when the connection closes under a non-idempotent operation', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const result = settled(client.execute((redis) => redis.call('lpush', 'q', 'x')));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(OutcomeUnknownError);
    });

    it('runs an idempotent operation again on the new connection', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const result = settled(
        client.execute((redis) => redis.call('set', 'k', 'v'), {
          idempotent: true,
          description: 'save',
        }),
      );
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(result.value).to.equal('OK');
    });
  });

  describe('command', () => {
    it('re-sends an EVAL the caller marked idempotent', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const result = settled(client.command('EVAL', ['return 1', 0], { idempotent: true }));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(result.state).to.equal('resolved');
      expect(sentOf(factory, 'eval')).to.equal(2);
    });

    it('keeps a caller’s verdict to its own call: a GET marked not idempotent is not re-sent, the next GET is', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands).next(holdCommands);
      await client.ready();
      const marked = settled(client.command('GET', ['k'], { idempotent: false }));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(marked.error).to.be.instanceOf(OutcomeUnknownError);
      expect(sentOf(factory, 'get')).to.equal(1);
      await client.ready();
      const plain = settled(client.get('k'));
      const plainCommand = settled(client.command('GET', ['k']));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(plain.value).to.equal('OK');
      expect(plainCommand.value).to.equal('OK');
      expect(sentOf(factory, 'get')).to.equal(5);
    });

    it('keeps an EVALSHA marked idempotent to that call: a later evalsha is not re-sent', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands).next(holdCommands);
      await client.ready();
      const marked = settled(client.command('EVALSHA', ['abc', 0], { idempotent: true }));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(marked.state).to.equal('pending');
      expect(sentOf(factory, 'evalsha')).to.equal(2);
      const plain = settled(client.evalsha('abc', 0));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(marked.value).to.equal('OK');
      expect(plain.error).to.be.instanceOf(OutcomeUnknownError);
      // The marked one went out three times (its second connection dropped too), the plain once.
      expect(sentOf(factory, 'evalsha')).to.equal(4);
    });

    it('names the call’s description in the errors of a command given one', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const result = settled(client.command('INCR', ['n'], { description: 'count visit' }));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      const error = result.error as OutcomeUnknownError;
      expect(error).to.be.instanceOf(OutcomeUnknownError);
      expect(error.operation).to.equal('count visit');
      expect((error.cause as RedisConnectionError).command).to.equal('count visit');
      expect((error.cause as RedisConnectionError).code).to.equal(
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
      );
    });

    it('never re-sends a command the table does not know', async () => {
      client = fakeClient(factory);
      factory.next(holdCommands);
      await client.ready();
      const result = settled(client.call('FROB.NICATE', 'x'));
      await clock.tickAsync(0);
      factory.last.drop();
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(OutcomeUnknownError);
    });
  });

  describe('redis', () => {
    it('is the current ioredis instance while connected, undefined otherwise', async () => {
      client = fakeClient(factory);
      expect(client.redis).to.equal(undefined);
      const redis = await client.ready();
      expect(client.redis).to.equal(redis);
      expect(redis).to.equal(factory.last.asRedis);
    });
  });

  describe('close', () => {
    it('ends waiting calls with ClosedError and quits the connection', async () => {
      client = fakeClient(factory);
      await client.ready();
      const first = factory.last;
      factory.next((fake) => (fake.connectScript = { kind: 'hang' }));
      first.drop();
      await clock.tickAsync(0);
      const waiting = settled(client.get('k'));
      await client.close();
      await clock.tickAsync(0);
      expect(waiting.error).to.be.instanceOf(ClosedError);
      expect(client.state.status).to.equal('closed');
      expect(factory.last.status).to.equal('end');
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('a connection that answers nothing', () => {
    it('is replaced after commandTimeoutMs; a GET is sent again, an INCR reported unknown', async () => {
      client = fakeClient(factory, { commandTimeoutMs: 1000 });
      factory.next(holdCommands);
      await client.ready();
      const get = settled(client.get('k'));
      const incr = settled(client.incr('n'));
      await clock.tickAsync(1250);
      expect(get.value).to.equal('OK');
      expect(incr.error).to.be.instanceOf(OutcomeUnknownError);
      expect(((incr.error as OutcomeUnknownError).cause as RedisConnectionError).code).to.equal(
        'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT',
      );
    });
  });

  describe('typed commands', () => {
    type Row = readonly [string, (c: RedisClient) => Promise<unknown>, 'resent' | 'unknown'];
    const rows: readonly Row[] = [
      ['ping', (c) => c.ping(), 'resent'],
      ['exists', (c) => c.exists('a', 'b'), 'resent'],
      ['del', (c) => c.del('a'), 'resent'],
      ['unlink', (c) => c.unlink('a'), 'resent'],
      ['expire', (c) => c.expire('a', 10, 'NX'), 'resent'],
      ['pexpire', (c) => c.pexpire('a', 10), 'resent'],
      ['persist', (c) => c.persist('a'), 'resent'],
      ['ttl', (c) => c.ttl('a'), 'resent'],
      ['pttl', (c) => c.pttl('a'), 'resent'],
      ['type', (c) => c.type('a'), 'resent'],
      ['scan', (c) => c.scan(0, 'MATCH', 'a*'), 'resent'],
      ['get', (c) => c.get('a'), 'resent'],
      ['mget', (c) => c.mget('a', 'b'), 'resent'],
      ['strlen', (c) => c.strlen('a'), 'resent'],
      ['set', (c) => c.set('a', 'v', 'EX', 10), 'resent'],
      ['set', (c) => c.set('a', 'v', 'NX'), 'unknown'],
      ['set', (c) => c.set('a', 'v', 'GET'), 'unknown'],
      ['mset', (c) => c.mset({ a: 1 }), 'resent'],
      ['incr', (c) => c.incr('a'), 'unknown'],
      ['incrby', (c) => c.incrby('a', 2), 'unknown'],
      ['incrbyfloat', (c) => c.incrbyfloat('a', 0.5), 'unknown'],
      ['decr', (c) => c.decr('a'), 'unknown'],
      ['decrby', (c) => c.decrby('a', 2), 'unknown'],
      ['append', (c) => c.append('a', 'x'), 'unknown'],
      ['getdel', (c) => c.getdel('a'), 'unknown'],
      ['hget', (c) => c.hget('h', 'f'), 'resent'],
      ['hmget', (c) => c.hmget('h', 'f', 'g'), 'resent'],
      ['hgetall', (c) => c.hgetall('h'), 'resent'],
      ['hset', (c) => c.hset('h', { f: 1 }), 'resent'],
      ['hdel', (c) => c.hdel('h', 'f'), 'resent'],
      ['hincrby', (c) => c.hincrby('h', 'f', 1), 'unknown'],
      ['sadd', (c) => c.sadd('s', 'm'), 'resent'],
      ['srem', (c) => c.srem('s', 'm'), 'resent'],
      ['smembers', (c) => c.smembers('s'), 'resent'],
      ['sismember', (c) => c.sismember('s', 'm'), 'resent'],
      ['scard', (c) => c.scard('s'), 'resent'],
      ['spop', (c) => c.spop('s'), 'unknown'],
      ['zadd', (c) => c.zadd('z', 1, 'm'), 'resent'],
      ['zadd', (c) => c.zadd('z', 'INCR', 1, 'm'), 'unknown'],
      ['zrem', (c) => c.zrem('z', 'm'), 'resent'],
      ['zrange', (c) => c.zrange('z', 0, -1), 'resent'],
      ['zscore', (c) => c.zscore('z', 'm'), 'resent'],
      ['zincrby', (c) => c.zincrby('z', 1, 'm'), 'unknown'],
      ['lpush', (c) => c.lpush('l', 'x'), 'unknown'],
      ['rpush', (c) => c.rpush('l', 'x'), 'unknown'],
      ['lpop', (c) => c.lpop('l'), 'unknown'],
      ['rpop', (c) => c.rpop('l'), 'unknown'],
      ['lrange', (c) => c.lrange('l', 0, -1), 'resent'],
      ['llen', (c) => c.llen('l'), 'resent'],
      ['xadd', (c) => c.xadd('s', '*', 'f', 'v'), 'unknown'],
      ['xadd', (c) => c.xadd('s', '1-1', 'f', 'v'), 'resent'],
      ['publish', (c) => c.publish('ch', 'm'), 'unknown'],
      ['eval', (c) => c.eval('return 1', 0), 'unknown'],
      ['evalsha', (c) => c.evalsha('abc', 0), 'unknown'],
    ];
    for (const [name, invoke, expected] of rows) {
      const shown = invoke.toString().replace(/^\(?c\)?\s*=>\s*c\./, '');
      it(`${shown}: sends ${name.toUpperCase()}; after a lost reply it is ${expected === 'resent' ? 'sent again' : 'an OutcomeUnknownError'}`, async () => {
        client = fakeClient(factory);
        factory.next(holdCommands);
        await client.ready();
        const result = settled(invoke(client));
        await clock.tickAsync(0);
        expect(factory.last.sent.at(-1)?.name).to.equal(name);
        factory.last.drop();
        await clock.tickAsync(0);
        if (expected === 'resent') {
          expect(result.state).to.equal('resolved');
          // Each connection was also verified with a PING.
          expect(sentOf(factory, name)).to.equal(name === 'ping' ? 4 : 2);
        } else {
          expect(result.error).to.be.instanceOf(OutcomeUnknownError);
          expect(sentOf(factory, name)).to.equal(1);
        }
      });
    }
  });

  it('reports ioredis’s bare "Connection is closed." nowhere to callers', async () => {
    client = fakeClient(factory);
    factory.defaultScript = (fake) => (fake.connectScript = { kind: 'fail', error: refused() });
    const result = settled(client.ready());
    await clock.tickAsync(10_000);
    const cause = (result.error as RetriesExhaustedError).cause as Error;
    expect(cause.message).to.not.equal(connectionClosedMessage);
  });
});
