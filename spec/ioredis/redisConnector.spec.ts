import { expect } from 'chai';
import { AbortedError } from '../../src/errors/AbortedError.js';
import { systemClock } from '../../src/internal/Clock.js';
import { redisConnector } from '../../src/ioredis/redisConnector.js';
import type { RedisConnectionError } from '../../src/ioredis/RedisConnectionError.js';
import { resolveRedisClientOptions } from '../../src/ioredis/resolveRedisClientOptions.js';
import { FakeIoredisFactory, replyError } from './FakeIoredis.js';

function connector(factory: FakeIoredisFactory): ReturnType<typeof redisConnector> {
  const resolved = resolveRedisClientOptions({ env: {}, commandTimeoutMs: 0 }, false);
  return redisConnector(resolved, systemClock, undefined, factory.create);
}

describe('redisConnector', () => {
  describe('connect', () => {
    it('opens one new ioredis instance per call', async () => {
      const factory = new FakeIoredisFactory();
      const { connect } = connector(factory);
      const a = await connect(new AbortController().signal);
      const b = await connect(new AbortController().signal);
      expect(a.redis).to.not.equal(b.redis);
      expect(factory.instances.map((f) => f.status)).to.deep.equal(['ready', 'ready']);
    });

    it('rejects with the error event that made ioredis give up, not its "Connection is closed."', async () => {
      const factory = new FakeIoredisFactory();
      const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      factory.next((fake) => (fake.connectScript = { kind: 'fail', error: refused }));
      const error = await connector(factory)
        .connect(new AbortController().signal)
        .catch((e: unknown) => e);
      expect(error).to.equal(refused);
    });

    it('falls back to ERR_HOLDFAST_REDIS_CONNECTION_CLOSED when no error event came', async () => {
      const factory = new FakeIoredisFactory();
      factory.next((fake) => {
        fake.connectScript = { kind: 'fail', error: new Error('x') };
        fake.emit = ((original) =>
          function (this: typeof fake, event: string | symbol, ...args: unknown[]): boolean {
            return event === 'error' ? false : original.call(this, event, ...args);
          })(fake.emit);
      });
      const error = (await connector(factory)
        .connect(new AbortController().signal)
        .catch((e: unknown) => e)) as RedisConnectionError;
      expect(error.code).to.equal('ERR_HOLDFAST_REDIS_CONNECTION_CLOSED');
    });

    it('drops the instance when the signal fires during the connect', async () => {
      const factory = new FakeIoredisFactory();
      factory.next((fake) => (fake.connectScript = { kind: 'hang' }));
      const controller = new AbortController();
      const pending = connector(factory)
        .connect(controller.signal)
        .catch((e: unknown) => e);
      await new Promise((resolve) => {
        process.nextTick(resolve);
      });
      controller.abort();
      expect(factory.last.status).to.equal('end');
      void pending;
    });

    it('refuses at once when the signal already fired', async () => {
      const factory = new FakeIoredisFactory();
      const controller = new AbortController();
      controller.abort();
      const error = await connector(factory)
        .connect(controller.signal)
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AbortedError);
      expect(factory.instances).to.have.length(0);
    });
  });

  describe('verify', () => {
    it('PINGs the new connection', async () => {
      const factory = new FakeIoredisFactory();
      const { connect, verify } = connector(factory);
      const connection = await connect(new AbortController().signal);
      expect(await verify(connection, new AbortController().signal)).to.equal('PONG');
      expect(factory.last.sent.map((c) => c.name)).to.deep.equal(['ping']);
    });

    it('fails with the server’s reply (LOADING is retried by the manager)', async () => {
      const factory = new FakeIoredisFactory();
      factory.next((fake) => (fake.reply = () => ({ error: replyError('LOADING loading') })));
      const { connect, verify } = connector(factory);
      const connection = await connect(new AbortController().signal);
      const error = await verify(connection, new AbortController().signal).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/^LOADING/);
    });

    it('gives up when the signal fires (the connect timeout)', async () => {
      const factory = new FakeIoredisFactory();
      factory.next((fake) => (fake.reply = () => 'hold'));
      const { connect, verify } = connector(factory);
      const connection = await connect(new AbortController().signal);
      const controller = new AbortController();
      const pending = verify(connection, controller.signal).catch((e: unknown) => e);
      controller.abort();
      expect(await pending).to.be.instanceOf(AbortedError);
    });
  });

  describe('disconnect', () => {
    it('QUITs and drops the instance', async () => {
      const factory = new FakeIoredisFactory();
      const { connect, disconnect } = connector(factory);
      const connection = await connect(new AbortController().signal);
      await disconnect(connection);
      expect(factory.last.sent.map((c) => c.name)).to.deep.equal(['quit']);
      expect(factory.last.status).to.equal('end');
    });
  });
});
