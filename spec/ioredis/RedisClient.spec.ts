// RedisClient without sockets: the client stays lazy and ioredis's own close handler is called
// directly, as ioredis calls it when a socket closes. What a reconnect does end to end is in
// spec/integration/redisClient.spec.ts.
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Command, Redis } from 'ioredis';
import { ClosedError } from '../../src/errors/ClosedError.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { internals } from '../../src/ioredis/ioredisInternals.js';
import type { RedisClient } from '../../src/ioredis/RedisClient.js';
import { RedisConnectionError } from '../../src/ioredis/RedisConnectionError.js';

const require = createRequire(import.meta.url);
const { closeHandler } = require('ioredis/built/redis/event_handler.js') as {
  closeHandler(redis: Redis): () => void;
};

function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Puts `command` in the queue of written, unanswered commands, as sendCommand does. */
function inFlight(client: RedisClient, name: string, args: string[]): Promise<unknown> {
  const command = new Command(name, args);
  internals(client).commandQueue.push({ command, select: 0 });
  return settle(command.promise);
}

/** As after a lost connection: ioredis queues commands until holdfast's loop reconnects. */
function reconnecting(client: RedisClient): void {
  internals(client).status = 'reconnecting';
  Object.assign(client, { condition: { select: 0 } });
}

describe('RedisClient', () => {
  const made: RedisClient[] = [];
  const client = (options: Parameters<typeof createRedisClient>[0] = {}): RedisClient => {
    const made1 = createRedisClient({ port: 1, env: {}, ...options });
    made.push(made1);
    return made1;
  };

  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
  });

  it('is an ioredis Redis that opens nothing until asked', () => {
    const c = client();
    expect(c).to.be.instanceOf(Redis);
    expect(c.status).to.equal('wait');
    expect(c.state.status).to.equal('idle');
  });

  it('refuses an ioredis option holdfast owns, saying why', () => {
    expect(() => client({ retryStrategy: () => 1 } as never))
      .to.throw(ConfigurationError)
      .with.property('option', 'retryStrategy');
  });

  it('shows neither its options nor the password in util.inspect, String or JSON', () => {
    const c = client({ password: 's3cret-pw', targetName: 'redis-cache' });
    for (const text of [inspect(c, { depth: 5 }), String(c), JSON.stringify(c)]) {
      expect(text).to.contain('redis-cache').and.not.contain('s3cret-pw');
    }
  });

  describe('when the connection is lost (ioredis close handler)', () => {
    it('sends reads again and fails a write that may have been applied with OutcomeUnknownError', async () => {
      const c = client();
      internals(c).status = 'ready';
      const read = inFlight(c, 'get', ['k']);
      const write = inFlight(c, 'incr', ['n']);
      closeHandler(c)();
      const outcome = (await write) as { error: unknown };
      expect(isHoldfastError(outcome.error)).to.equal(true);
      expect(outcome.error).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
      expect(outcome.error).to.have.property('operation', 'INCR');
      const cause = (outcome.error as Error).cause;
      expect(cause).to.be.instanceOf(RedisConnectionError);
      expect(cause).to.have.property('code', 'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED');
      // The read waits at the front of the offline queue for the reconnect.
      const waiting = internals(c).offlineQueue.toArray();
      expect(waiting.map((i) => i.command.name)).to.deep.equal(['get']);
      expect(c.status).to.equal('reconnecting');
      await c.close();
      expect(((await read) as { error: unknown }).error).to.be.instanceOf(ClosedError);
    });

    it('sends a command marked through client.idempotent again', () => {
      const c = client();
      reconnecting(c);
      void c.idempotent.incrby('n', 5).catch(() => undefined);
      // As if it had been written: moved to the queue of unanswered commands.
      const [sent] = internals(c).offlineQueue.toArray();
      if (sent === undefined) throw new Error('expected the command in the offline queue');
      const command = sent.command;
      internals(c).resetOfflineQueue();
      internals(c).commandQueue.push(sent);
      internals(c).status = 'ready';
      closeHandler(c)();
      expect(
        internals(c)
          .offlineQueue.toArray()
          .map((i) => i.command),
      ).to.deep.equal([command]);
    });

    it('keeps ioredis semantics after disconnect(): what was queued fails with "Connection is closed."', async () => {
      const c = client();
      reconnecting(c);
      const queued = settle(c.get('k'));
      c.disconnect();
      const outcome = (await queued) as { error: Error };
      expect(outcome.error.message).to.equal('Connection is closed.');
      expect(c.status).to.equal('end');
      expect(c.state.status).to.equal('closed');
    });
  });

  describe('close()', () => {
    it('fails the commands waiting for a connection with ClosedError and ends the instance', async () => {
      const c = client();
      reconnecting(c);
      const waiting = settle(c.get('k'));
      await c.close();
      expect(((await waiting) as { error: unknown }).error).to.be.instanceOf(ClosedError);
      expect(c.status).to.equal('end');
      const after = (await settle(c.connect())) as { error: unknown };
      expect(after.error).to.be.instanceOf(ClosedError);
    });
  });

  describe('duplicate()', () => {
    it('is a holdfast client with the same policy, accepting BullMQ’s maxRetriesPerRequest: null', () => {
      const c = client({ retry: { maxRetries: 7 } });
      const copy = c.duplicate({ maxRetriesPerRequest: null, connectionName: 'w' });
      made.push(copy);
      expect(copy).to.be.instanceOf(c.constructor);
      expect(copy.policy.maxRetries).to.equal(7);
      expect(copy.options.connectionName).to.equal('w');
      expect(() => c.duplicate({ maxRetriesPerRequest: 3 })).to.throw(ConfigurationError);
    });
  });
});
