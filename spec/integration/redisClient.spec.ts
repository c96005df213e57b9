// holdfast/ioredis against real servers: the shared Redis on 127.0.0.1:6379 (unique key prefix,
// cleaned up) and private redis-servers for what must not touch the shared one.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { filter, firstValueFrom } from 'rxjs';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionStatus } from '../../src/connection/ConnectionState.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import {
  type RedisClient,
  type RedisConnection,
  createRedisClient,
  getRedisClient,
} from '../../src/ioredis/index.js';
import {
  assertHandlesReleased,
  assertNoSecret,
  captureOutput,
  capturingLogger,
  errorText,
  resourceSnapshot,
} from '../chaos/invariants.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';

const prefix = `holdfast:it:${process.pid}:${randomUUID().slice(0, 8)}:`;
const k = (name: string): string => `${prefix}${name}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('RedisClient (integration)', () => {
  describe('on the shared server', () => {
    let client: RedisClient;

    before(() => {
      client = createRedisClient({ url: 'redis://127.0.0.1:6379/0', targetName: 'redis-it' });
    });

    after(async () => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      if (keys.length > 0) await client.del(...keys);
      await client.close();
    });

    describe('string commands', () => {
      it('answers SET, GET, MGET, EXISTS, STRLEN, TYPE, DEL as ioredis does', async () => {
        expect(await client.set(k('s'), 'value')).to.equal('OK');
        expect(await client.get(k('s'))).to.equal('value');
        expect(await client.get(k('missing'))).to.equal(null);
        expect(await client.mget(k('s'), k('missing'))).to.deep.equal(['value', null]);
        expect(await client.exists(k('s'), k('missing'))).to.equal(1);
        expect(await client.strlen(k('s'))).to.equal(5);
        expect(await client.type(k('s'))).to.equal('string');
        expect(await client.set(k('s'), 'other', 'NX')).to.equal(null);
        expect(await client.set(k('s'), 'old', 'GET')).to.equal('value');
        expect(await client.getdel(k('s'))).to.equal('old');
        expect(await client.del(k('s'))).to.equal(0);
      });

      it('answers INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT, APPEND', async () => {
        expect(await client.incr(k('n'))).to.equal(1);
        expect(await client.incrby(k('n'), 10)).to.equal(11);
        expect(await client.decr(k('n'))).to.equal(10);
        expect(await client.decrby(k('n'), 5)).to.equal(5);
        expect(await client.incrbyfloat(k('n'), 0.5)).to.equal('5.5');
        expect(await client.append(k('a'), 'ab')).to.equal(2);
      });

      it('sets and reads expiries', async () => {
        await client.set(k('e'), 'x');
        expect(await client.ttl(k('e'))).to.equal(-1);
        expect(await client.expire(k('e'), 100)).to.equal(1);
        expect(await client.ttl(k('e'))).to.be.within(99, 100);
        expect(await client.pexpire(k('e'), 50_000)).to.equal(1);
        expect(await client.pttl(k('e'))).to.be.within(49_000, 50_000);
        expect(await client.persist(k('e'))).to.equal(1);
        expect(await client.pttl(k('e'))).to.equal(-1);
        expect(await client.unlink(k('e'))).to.equal(1);
      });

      it('writes MSET from an object', async () => {
        expect(await client.mset({ [k('m1')]: 'a', [k('m2')]: 2 })).to.equal('OK');
        expect(await client.mget(k('m1'), k('m2'))).to.deep.equal(['a', '2']);
      });
    });

    describe('hash, set, sorted set, list and stream commands', () => {
      it('answers HSET from an object and HGETALL as an object', async () => {
        expect(await client.hset(k('h'), { a: 1, b: 'two' })).to.equal(2);
        expect(await client.hget(k('h'), 'a')).to.equal('1');
        expect(await client.hmget(k('h'), 'a', 'zz')).to.deep.equal(['1', null]);
        expect(await client.hgetall(k('h'))).to.deep.equal({ a: '1', b: 'two' });
        expect(await client.hincrby(k('h'), 'a', 2)).to.equal(3);
        expect(await client.hdel(k('h'), 'b')).to.equal(1);
        expect(await client.hgetall(k('nohash'))).to.deep.equal({});
      });

      it('answers SADD, SISMEMBER, SMEMBERS, SCARD, SREM, SPOP', async () => {
        expect(await client.sadd(k('set'), 'a', 'b')).to.equal(2);
        expect(await client.sismember(k('set'), 'a')).to.equal(1);
        expect((await client.smembers(k('set'))).sort()).to.deep.equal(['a', 'b']);
        expect(await client.scard(k('set'))).to.equal(2);
        expect(await client.srem(k('set'), 'a')).to.equal(1);
        expect(await client.spop(k('set'))).to.equal('b');
      });

      it('answers ZADD, ZRANGE, ZSCORE, ZINCRBY, ZREM', async () => {
        expect(await client.zadd(k('z'), 1, 'a', 2, 'b')).to.equal(2);
        expect(await client.zrange(k('z'), 0, -1)).to.deep.equal(['a', 'b']);
        expect(await client.zrange(k('z'), 0, -1, 'WITHSCORES')).to.deep.equal([
          'a',
          '1',
          'b',
          '2',
        ]);
        expect(await client.zscore(k('z'), 'b')).to.equal('2');
        expect(await client.zincrby(k('z'), 3, 'a')).to.equal('4');
        expect(await client.zrem(k('z'), 'a')).to.equal(1);
      });

      it('answers LPUSH, RPUSH, LRANGE, LLEN, LPOP, RPOP', async () => {
        expect(await client.rpush(k('l'), 'b', 'c')).to.equal(2);
        expect(await client.lpush(k('l'), 'a')).to.equal(3);
        expect(await client.lrange(k('l'), 0, -1)).to.deep.equal(['a', 'b', 'c']);
        expect(await client.llen(k('l'))).to.equal(3);
        expect(await client.lpop(k('l'))).to.equal('a');
        expect(await client.rpop(k('l'))).to.equal('c');
      });

      it('answers XADD, PUBLISH, EVAL, EVALSHA and SCAN', async () => {
        expect(await client.xadd(k('x'), '*', 'f', 'v')).to.match(/^\d+-\d+$/);
        expect(await client.xadd(k('x'), '99999999999999-1', 'f', 'v')).to.equal(
          '99999999999999-1',
        );
        expect(await client.publish(k('channel'), 'hello')).to.equal(0);
        expect(await client.eval('return ARGV[1]', 0, 'x')).to.equal('x');
        const sha = (await client.call('SCRIPT', 'LOAD', 'return 7')) as string;
        expect(await client.evalsha(sha, 0)).to.equal(7);
        const [cursor, keys] = await client.scan('0', 'MATCH', k('x'), 'COUNT', 1000);
        expect(cursor).to.be.a('string');
        expect(keys).to.be.an('array');
      });
    });

    describe('call and command', () => {
      it('sends any command, with reply transformers as ioredis applies them', async () => {
        await client.call('HSET', k('hc'), 'f', 'v');
        expect(await client.call('HGETALL', k('hc'))).to.deep.equal({ f: 'v' });
        expect(await client.command('GET', [k('missing')], { timeoutMs: 1000 })).to.equal(null);
      });

      it('rejects with the server’s error reply as it is, after one attempt', async () => {
        await client.set(k('wrongtype'), 'x');
        const error = await rejection(client.call('LPUSH', k('wrongtype'), 'y'));
        expect((error as Error).name).to.equal('ReplyError');
        expect((error as Error).message).to.match(/^WRONGTYPE/);
      });
    });

    describe('execute', () => {
      it('runs a MULTI on the ready ioredis instance', async () => {
        const replies = await client.execute(
          (redis) => redis.multi().set(k('t1'), 'a').get(k('t1')).exec(),
          { idempotent: true, description: 'multi' },
        );
        expect(replies).to.deep.equal([
          [null, 'OK'],
          [null, 'a'],
        ]);
      });
    });

    describe('when its connection is killed by the server', () => {
      it('mirrors the real connection in state$ and reconnects for the next command', async () => {
        expect(await client.ping()).to.equal('PONG');
        const statuses: ConnectionStatus[] = [];
        const subscription = client.state$.subscribe((state) => statuses.push(state.status));
        const before = client.redis!;
        const id = await before.client('ID');
        const admin = new Redis({ port: 6379, lazyConnect: true });
        try {
          await admin.connect();
          await admin.client('KILL', 'ID', String(id));
        } finally {
          admin.disconnect();
        }
        await firstValueFrom(client.state$.pipe(filter((s) => s.status !== 'connected')));
        expect(await client.get(k('after-kill'))).to.equal(null);
        subscription.unsubscribe();
        expect(statuses).to.deep.equal(['connected', 'connecting', 'connected']);
        expect(client.redis).to.not.equal(before);
        expect(before.status).to.equal('end');
      });
    });
  });

  describe('getRedisClient', () => {
    it('returns one client per options and reads REDIS_URL, until it is closed', async () => {
      const env = { REDIS_URL: 'redis://127.0.0.1:6379/0' };
      const first = getRedisClient({ env });
      expect(getRedisClient({ env })).to.equal(first);
      expect(first.target).to.equal('redis://127.0.0.1:6379/0');
      expect(await first.ping()).to.equal('PONG');
      await first.close();
      const second = getRedisClient({ env });
      expect(second).to.not.equal(first);
      await second.close();
    });
  });

  describe('ready', () => {
    let server: RedisServer;
    before(async () => {
      server = await RedisServer.start();
    });
    after(async () => {
      await server.stop();
    });

    it('verifies a new connection with one PING and sends nothing else but the handshake', async () => {
      // Forget the commands of the server helper's readiness probe.
      const admin = new Redis({ port: server.port, lazyConnect: true });
      await admin.connect();
      await admin.config('RESETSTAT');
      admin.disconnect();
      const client = createRedisClient({ port: server.port });
      try {
        await client.ready();
        const stats = await client.execute((redis) => redis.info('commandstats'));
        expect(stats).to.match(/cmdstat_ping:calls=1,/);
        expect(stats).to.match(/cmdstat_hello:calls=1,/);
        // No ready-check INFO (holdfast verifies with PING) and no other command.
        expect(stats).to.not.match(/cmdstat_info:/);
        // CLIENT SETINFO (ioredis's library tag) shows only on Redis >= 7.2; RESETSTAT counts itself.
        const commands = (stats.match(/^cmdstat_[^:]+/gm) ?? []).filter(
          (c) => !c.includes('client|') && !c.includes('config|resetstat'),
        );
        expect(commands.sort()).to.deep.equal(['cmdstat_hello', 'cmdstat_ping']);
      } finally {
        await client.close();
      }
    });

    it('leaves no socket or timer behind after close()', async () => {
      const handles = await Promise.resolve().then(resourceSnapshot);
      const client = createRedisClient({ port: server.port });
      await client.ping();
      await client.close();
      await assertHandlesReleased(handles);
    });
  });

  describe('with a wrong password', () => {
    const secret = 'hf5-correct-s3cret';
    const wrong = 'hf5-wrong-pa55word';
    let server: RedisServer;
    before(async () => {
      server = await RedisServer.start({ requirepass: secret });
    });
    after(async () => {
      await server.stop();
    });

    it('fails after one attempt with WRONGPASS and shows the password nowhere', async () => {
      const logger = capturingLogger();
      const output = captureOutput();
      const events: ConnectionEvent<RedisConnection>[] = [];
      const client = createRedisClient({
        url: `redis://:${wrong}@127.0.0.1:${server.port}`,
        logger,
      });
      const subscription = client.events$.subscribe((event) => events.push(event));
      let error: unknown;
      try {
        error = await rejection(client.ready());
      } finally {
        subscription.unsubscribe();
        output.stop();
      }
      expect((error as Error).name).to.equal('ReplyError');
      expect((error as Error).message).to.match(/^WRONGPASS/);
      // What to do: the options to check, named.
      expect((error as Error).message)
        .to.include('`password`')
        .and.include('REDIS_URL');
      expect(events.filter((e) => e.type === 'attempt-started')).to.have.length(1);
      expect(client.state.status).to.equal('failed');
      const texts = [
        errorText(error),
        inspect(client.state, { depth: 8 }),
        inspect(events, { depth: 8 }),
        client.name,
        client.target,
        output.text(),
        ...logger.lines,
      ];
      assertNoSecret(wrong, texts);
      // Every ioredis instance has an `error` listener: ioredis printed nothing.
      expect(output.text()).to.not.contain('[ioredis]');
      await client.close();
    });

    it('connects with the right password from the URL, which appears in no name or state', async () => {
      const client = createRedisClient({ url: `redis://:${secret}@127.0.0.1:${server.port}/0` });
      try {
        expect(await client.ping()).to.equal('PONG');
        assertNoSecret(secret, [client.name, client.target, inspect(client.state, { depth: 8 })]);
      } finally {
        await client.close();
      }
    });

    it('reports NOAUTH without a password as fatal, after one attempt', async () => {
      const client = createRedisClient({ port: server.port });
      try {
        const error = await rejection(client.ping());
        expect((error as Error).message).to.match(/^NOAUTH/);
        expect(isHoldfastError(error)).to.equal(false);
      } finally {
        await client.close();
      }
    });
  });
});
