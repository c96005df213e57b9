// Pins every assumption holdfast/ioredis makes about ioredis's internals (src/ioredis/
// ioredisInternals.ts, RedisClient.ts, sortInFlight.ts, idempotentView.ts): when an ioredis
// upgrade changes one of them, this spec fails before any behaviour does. No socket is opened:
// the instances are lazy and ioredis's handlers are called directly.
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { Command, Redis } from 'ioredis';
import { internals } from '../../src/ioredis/ioredisInternals.js';

const require = createRequire(import.meta.url);
const handlers = require('ioredis/built/redis/event_handler.js') as {
  closeHandler(redis: Redis): () => void;
  readyHandler(redis: Redis): () => void;
};

/** A lazy instance with holdfast's settings (nothing is opened until a command). */
function lazy(): Redis {
  return new Redis({
    lazyConnect: true,
    retryStrategy: null,
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: null,
  });
}

function queued(name: string, args: string[] = []): { command: Command; select: number } {
  const command = new Command(name, args);
  command.promise.catch(() => undefined);
  return { command, select: 0 };
}

describe('ioredis internals holdfast relies on', () => {
  it('are where holdfast looks: setStatus, flushQueue, the two queues and their resets', () => {
    const redis = lazy();
    const self = internals(redis);
    for (const name of ['setStatus', 'flushQueue', 'resetCommandQueue', 'resetOfflineQueue']) {
      expect(typeof (self as unknown as Record<string, unknown>)[name], name).to.equal('function');
    }
    for (const queue of [self.commandQueue, self.offlineQueue]) {
      expect(queue.length).to.equal(0);
      expect(typeof queue.push).to.equal('function');
      expect(typeof queue.toArray).to.equal('function');
      expect(typeof queue.peekFront).to.equal('function');
    }
    expect(self.manuallyClosing).to.equal(false);
    expect(redis.status).to.equal('wait');
  });

  it('close handler: setStatus("close") comes first, with the unanswered commands still queued', () => {
    const redis = lazy();
    const self = internals(redis);
    self.commandQueue.push(queued('incr', ['k']));
    const seen: string[] = [];
    const setStatus = self.setStatus.bind(redis);
    const flushQueue = self.flushQueue.bind(redis);
    Object.assign(redis, {
      setStatus(status: string, arg?: unknown) {
        seen.push(`${status}:${self.commandQueue.length}`);
        if (status === 'close') self.resetCommandQueue();
        setStatus(status, arg);
      },
      flushQueue(error: Error, options?: object) {
        seen.push(`flush:${error.message}`);
        flushQueue(error, options);
      },
    });
    handlers.closeHandler(redis)();
    // With retryStrategy null: 'close', then 'end', then the queues are flushed.
    expect(seen).to.deep.equal(['close:1', 'end:0', 'flush:Connection is closed.']);
    expect((redis as unknown as { prevCommandQueue?: unknown }).prevCommandQueue).to.equal(
      undefined,
    );
  });

  it('close handler: manuallyClosing is still true at setStatus("close") after disconnect()', () => {
    const redis = lazy();
    const self = internals(redis);
    Object.assign(redis, { manuallyClosing: true });
    let atClose: boolean | undefined;
    const setStatus = self.setStatus.bind(redis);
    Object.assign(redis, {
      setStatus(status: string, arg?: unknown) {
        if (status === 'close') atClose = self.manuallyClosing;
        setStatus(status, arg);
      },
    });
    handlers.closeHandler(redis)();
    expect(atClose).to.equal(true);
    expect(self.manuallyClosing).to.equal(false);
  });

  it('ready handler: sends the offline queue in order through sendCommand(command, stream)', () => {
    const redis = lazy();
    const self = internals(redis);
    Object.assign(redis, { condition: { select: 0 } });
    const sent: string[] = [];
    Object.assign(redis, {
      sendCommand(command: Command) {
        sent.push(command.name);
        return command.promise;
      },
    });
    self.offlineQueue.push(queued('get', ['a']));
    self.offlineQueue.push(queued('incr', ['b']));
    handlers.readyHandler(redis)();
    expect(sent).to.deep.equal(['get', 'incr']);
    expect(self.offlineQueue.length).to.equal(0);
  });

  it('sendCommand: queues { command, stream, select } while reconnecting, rejects at once after end', async () => {
    const redis = lazy();
    const self = internals(redis);
    self.status = 'reconnecting';
    Object.assign(redis, { condition: { select: 2 } });
    void redis.get('k').catch(() => undefined);
    const [item] = self.offlineQueue.toArray();
    expect(item?.command.name).to.equal('get');
    expect(item?.select).to.equal(2);
    self.status = 'end';
    const error = await redis.get('k').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.equal('Connection is closed.');
  });

  it('pipelines and MULTI send through redis.sendCommand with pipelineIndex and inTransaction', () => {
    const redis = lazy();
    const calls: { name: string; index: unknown; inTransaction: boolean; stream: boolean }[] = [];
    Object.assign(redis, {
      sendCommand(command: Command & { pipelineIndex?: number }, stream?: unknown) {
        calls.push({
          name: command.name,
          index: command.pipelineIndex,
          inTransaction: command.inTransaction,
          stream: stream !== undefined,
        });
        return command.promise;
      },
    });
    void redis
      .multi()
      .incr('a')
      .get('b')
      .exec()
      .catch(() => undefined);
    expect(calls).to.deep.equal([
      { name: 'multi', index: 0, inTransaction: true, stream: true },
      { name: 'incr', index: 1, inTransaction: true, stream: true },
      { name: 'get', index: 2, inTransaction: true, stream: true },
      { name: 'exec', index: 3, inTransaction: false, stream: true },
    ]);
  });

  it('a pipeline sends through the `sendCommand` of the object it was made from (the idempotent view)', () => {
    const redis = lazy();
    const view = Object.create(redis) as Redis;
    const names: string[] = [];
    Object.defineProperty(view, 'sendCommand', {
      value(command: Command) {
        names.push(command.name);
        return command.promise;
      },
    });
    void view
      .pipeline()
      .get('a')
      .exec()
      .catch(() => undefined);
    void view.set('b', '1').catch(() => undefined);
    expect(names).to.deep.equal(['get', 'set']);
  });

  it('a script defined readOnly sends a command marked isReadOnly', () => {
    const redis = lazy();
    let command: (Command & { isReadOnly?: boolean }) | undefined;
    Object.assign(redis, {
      sendCommand(sent: Command) {
        command = sent;
        return sent.promise;
      },
    });
    redis.defineCommand('peek', { numberOfKeys: 1, lua: 'return 1', readOnly: true });
    void (redis as unknown as { peek(key: string): Promise<unknown> })
      .peek('k')
      .catch(() => undefined);
    expect(command?.name).to.equal('evalsha');
    expect(command?.isReadOnly).to.equal(true);
  });

  it('Command.reject is an own property (what the OpenTelemetry instrumentation wraps)', () => {
    const { command } = queued('get');
    expect(Object.hasOwn(command, 'reject')).to.equal(true);
    expect(Object.hasOwn(command, 'resolve')).to.equal(true);
  });
});
