// holdfast/ioredis against real servers: the shared Redis on 127.0.0.1:6379 (keys hf16:...,
// cleaned up), reached directly or through a FaultProxy for resets, and private redis-servers
// for what must not touch the shared one.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionStatus } from '../../src/connection/ConnectionState.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import {
  type RedisClient,
  type RedisLink,
  createRedisClient,
  getRedisClient,
} from '../../src/ioredis/index.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import {
  assertHandlesReleased,
  assertNoSecret,
  assertTransitionsAllowed,
  captureOutput,
  capturingLogger,
  errorText,
  resourceSnapshot,
} from '../chaos/invariants.js';
import { eventually } from '../helpers/eventually.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';

const prefix = `hf16:it:${process.pid}:${randomUUID().slice(0, 8)}:`;
const k = (name: string): string => `${prefix}${name}`;
const shared = { host: '127.0.0.1', port: 6379 } as const;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** What each promise settled with: the value, or the error's code (or name). */
function outcomes(promises: Promise<unknown>[]): Promise<unknown[]> {
  return Promise.all(
    promises.map((p) =>
      p.then(
        (value) => value,
        (error: unknown) => (error as { code?: string }).code ?? (error as Error).name,
      ),
    ),
  );
}

async function cleanUp(): Promise<void> {
  const admin = new Redis(shared);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
}

describe('RedisClient (integration)', () => {
  after(cleanUp);

  describe('on the shared server', () => {
    let client: RedisClient;
    before(() => {
      client = createRedisClient({ url: 'redis://127.0.0.1:6379/0', targetName: 'redis-it' });
    });
    after(() => client.close());

    it('is ioredis: commands, reply transformers, pipeline, MULTI, scanStream, defineCommand', async () => {
      expect(client).to.be.instanceOf(Redis);
      await client.hset(k('h'), { a: '1', b: '2' });
      expect(await client.hgetall(k('h'))).to.deep.equal({ a: '1', b: '2' });
      await client.setex(k('s'), 60, 'v');
      await client.zadd(k('z'), 1, 'x', 2, 'y');
      expect(await client.zcard(k('z'))).to.equal(2);
      expect(await client.zrangebyscore(k('z'), 0, 1)).to.deep.equal(['x']);
      expect(await client.getex(k('s'), 'EX', 30)).to.equal('v');
      expect(await client.pipeline().get(k('s')).zcard(k('z')).exec()).to.deep.equal([
        [null, 'v'],
        [null, 2],
      ]);
      expect(await client.multi().incr(k('n')).incr(k('n')).exec()).to.deep.equal([
        [null, 1],
        [null, 2],
      ]);
      const scanned: string[] = [];
      for await (const batch of client.scanStream({ match: `${prefix}*` })) {
        scanned.push(...(batch as string[]));
      }
      expect(scanned).to.include.members([k('h'), k('s'), k('z'), k('n')]);
      client.defineCommand('hf16Echo', { numberOfKeys: 0, lua: 'return ARGV[1]' });
      const scripted = client as RedisClient & { hf16Echo(arg: string): Promise<string> };
      expect(await scripted.hf16Echo('hi')).to.equal('hi');
      expect(client.status).to.equal('ready');
      expect(client.state.status).to.equal('connected');
    });

    it('getRedisClient gives one client per options, reading REDIS_URL, until it is closed', async () => {
      const env = { REDIS_URL: 'redis://127.0.0.1:6379/0' };
      const first = getRedisClient({ env });
      expect(getRedisClient({ env })).to.equal(first);
      expect(await first.ping()).to.equal('PONG');
      await first.close();
      const second = getRedisClient({ env });
      expect(second).to.not.equal(first);
      await second.close();
    });
  });

  describe('through a connection reset', () => {
    let proxy: FaultProxy;
    let client: RedisClient;
    let statuses: ConnectionStatus[];

    beforeEach(async () => {
      proxy = await FaultProxy.start({ upstream: shared });
      client = createRedisClient({
        host: '127.0.0.1',
        port: proxy.port,
        targetName: 'redis-reset',
        retry: { baseDelayMs: 50, maxDelayMs: 200, maxRetries: 10 },
      });
      statuses = [];
      client.state$.subscribe((state) => statuses.push(state.status));
      await client.set(k('v'), 'before');
    });

    afterEach(async () => {
      await client.close();
      await proxy.close();
    });

    /** Replies are dropped while `send` runs, then the live connection is cut. */
    async function inFlightAtReset<T>(send: () => T): Promise<T> {
      const hole = proxy.add({ type: 'timeout', attributes: { timeout: 0 } });
      const sent = send();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const down = proxy.add({ type: 'down' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await proxy.remove(hole);
      await proxy.remove(down);
      return sent;
    }

    it('sends a read again, fails INCR with OutcomeUnknownError, sends client.idempotent again', async () => {
      const [read, incr, marked] = await inFlightAtReset(() =>
        outcomes([client.get(k('v')), client.incr(k('n1')), client.idempotent.set(k('m'), 'x')]),
      );
      expect(read).to.equal('before');
      expect(incr).to.equal('ERR_HOLDFAST_OUTCOME_UNKNOWN');
      expect(marked).to.equal('OK');
      // The INCR reached the server once: applied, never twice.
      expect(await client.get(k('n1'))).to.equal('1');
      assertTransitionsAllowed(statuses);
      expect(statuses.at(-1)).to.equal('connected');
    });

    it('gives the OutcomeUnknownError the lost connection as cause', async () => {
      const error = await inFlightAtReset(() => rejection(client.lpush(k('l'), 'a')));
      expect(isHoldfastError(error)).to.equal(true);
      expect(error).to.have.property('operation', 'LPUSH');
      expect((error as Error).cause).to.have.property(
        'code',
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
      );
    });

    it('reports a pipeline per command and a MULTI as one', async () => {
      const [pipeline, unsafeMulti, safeMulti] = await inFlightAtReset(() =>
        Promise.all([
          client.pipeline().get(k('v')).incr(k('p')).exec(),
          rejection(client.multi().incr(k('q')).get(k('v')).exec()),
          client.multi().get(k('v')).exists(k('v')).exec(),
        ]),
      );
      expect(pipeline?.[0]).to.deep.equal([null, 'before']);
      expect(pipeline?.[1]?.[0]).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
      expect(unsafeMulti).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
      expect(unsafeMulti).to.have.property('operation', 'EXEC');
      expect(safeMulti).to.deep.equal([
        [null, 'before'],
        [null, 1],
      ]);
    });

    it('keeps a defineCommand script and the same instance across the reset', async () => {
      client.defineCommand('hf16Get', {
        numberOfKeys: 1,
        lua: 'return redis.call("GET", KEYS[1])',
        readOnly: true,
      });
      const scripted = client as RedisClient & { hf16Get(key: string): Promise<string> };
      const during = await inFlightAtReset(() => scripted.hf16Get(k('v')));
      expect(during).to.equal('before');
      expect(await scripted.hf16Get(k('v'))).to.equal('before');
    });

    it('holds commands issued while the server is unreachable and sends them once reconnected', async () => {
      const down = proxy.add({ type: 'down' });
      await eventually(() => client.status !== 'ready', 2000);
      const waiting = outcomes([client.set(k('w'), '1'), client.incr(k('w2')), client.get(k('w'))]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Between attempts or during one (the proxy accepts, then drops): queued, not failed.
      expect(client.status).to.be.oneOf(['reconnecting', 'connecting']);
      await proxy.remove(down);
      expect(await waiting).to.deep.equal(['OK', 1, '1']);
    });

    it('fails what waited with the cycle’s error when retries run out, then starts a new cycle', async () => {
      const short = createRedisClient({
        host: '127.0.0.1',
        port: proxy.port,
        retry: { baseDelayMs: 20, maxDelayMs: 20, maxRetries: 2, jitter: 'none' },
      });
      try {
        await short.ping();
        const down = proxy.add({ type: 'down' });
        const error = await rejection(short.get(k('v')));
        expect(error).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
        expect(short.status).to.equal('wait');
        await proxy.remove(down);
        expect(await short.get(k('v'))).to.equal('before');
      } finally {
        await short.close();
      }
    });

    it('keeps a duplicate() subscriber subscribed after its connection is reset', async () => {
      const subscriber = client.duplicate();
      try {
        const received: string[] = [];
        subscriber.on('message', (_channel: string, message: string) => received.push(message));
        await subscriber.subscribe(k('ch'));
        await client.publish(k('ch'), 'one');
        await eventually(() => received.length === 1);
        const down = proxy.add({ type: 'down' });
        await eventually(() => subscriber.status !== 'ready', 2000);
        await proxy.remove(down);
        await subscriber.ready();
        await eventually(() => subscriber.status === 'ready', 2000);
        // ioredis re-subscribes on the same instance when it is ready again.
        await eventually(
          () => {
            void client.publish(k('ch'), 'two');
            return received.includes('two');
          },
          3000,
          50,
        );
      } finally {
        await subscriber.close();
      }
    });
  });

  describe('on a private server', () => {
    let server: RedisServer;
    before(async () => {
      server = await RedisServer.start();
    });
    after(async () => {
      await server.stop();
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
    const secret = 'hf16-correct-s3cret';
    const wrong = 'hf16-wrong-pa55word';
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
      const events: ConnectionEvent<RedisLink>[] = [];
      const client = createRedisClient({
        url: `redis://:${wrong}@127.0.0.1:${server.port}`,
        logger,
      });
      const subscription = client.events$.subscribe((event) => events.push(event));
      let error: unknown;
      try {
        error = await rejection(client.get('k'));
      } finally {
        subscription.unsubscribe();
        output.stop();
      }
      expect((error as Error).name).to.equal('ReplyError');
      expect((error as Error).message).to.match(/^WRONGPASS/);
      expect((error as Error).message)
        .to.include('`password`')
        .and.include('REDIS_URL');
      expect(events.filter((e) => e.type === 'attempt-started')).to.have.length(1);
      expect(client.state.status).to.equal('failed');
      assertNoSecret(wrong, [
        errorText(error),
        inspect(client, { depth: 8 }),
        inspect(client.state, { depth: 8 }),
        inspect(events, { depth: 8 }),
        output.text(),
        ...logger.lines,
      ]);
      expect(output.text()).to.not.contain('[ioredis]');
      await client.close();
    });

    it('reports NOAUTH without a password as fatal, after one attempt', async () => {
      const client = createRedisClient({ port: server.port });
      try {
        const error = await rejection(client.ping());
        expect((error as Error).message).to.match(/^NOAUTH/);
        expect(client.state.status).to.equal('failed');
      } finally {
        await client.close();
      }
    });
  });
});
