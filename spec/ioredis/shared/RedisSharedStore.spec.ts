// Unit spec with a fake client (no sockets): how RedisSharedStore drives ioredis. The scripts
// themselves run against the real Redis in spec/integration/sharedBreaker.spec.ts.
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { SharedCircuitChange } from '../../../src/breaker/SharedBreakerStore.js';
import { RedisSharedStore, parse } from '../../../src/ioredis/shared/RedisSharedStore.js';

type Call = { readonly name: string; readonly args: readonly unknown[] };

class FakeSubscriber extends EventEmitter {
  readonly channels: string[] = [];
  disconnected = false;
  subscribe(channel: string): Promise<number> {
    this.channels.push(channel);
    return Promise.resolve(1);
  }
  unsubscribe(): Promise<number> {
    return Promise.resolve(0);
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

function fakeClient(reply: readonly (string | number)[] = ['closed', '0']) {
  const calls: Call[] = [];
  const defined: string[] = [];
  const duplicates: FakeSubscriber[] = [];
  const client: Record<string, unknown> = {
    defineCommand(name: string, definition: { numberOfKeys: number; lua: string }) {
      defined.push(name);
      expect(definition.numberOfKeys).to.equal(2);
      expect(definition.lua).to.match(/redis\.call/);
      client[name] = (...args: unknown[]) => {
        calls.push({ name, args });
        return Promise.resolve(reply);
      };
    },
    del(...args: unknown[]) {
      calls.push({ name: 'del', args });
      return Promise.resolve(1);
    },
    duplicate() {
      const subscriber = new FakeSubscriber();
      duplicates.push(subscriber);
      return subscriber;
    },
  };
  return { client: client as unknown as Redis, calls, defined, duplicates };
}

describe('RedisSharedStore', () => {
  describe('constructor', () => {
    it('defines its five scripts once per client', () => {
      const fake = fakeClient();
      new RedisSharedStore({ client: fake.client });
      new RedisSharedStore({ client: fake.client, prefix: 'other:' });
      expect(fake.defined).to.deep.equal([
        'holdfastCircuitRead',
        'holdfastCircuitOpen',
        'holdfastCircuitIsolate',
        'holdfastCircuitClose',
        'holdfastCircuitFailure',
      ]);
    });
  });

  describe('operations', () => {
    it('pass the prefixed keys, then the arguments, with whole milliseconds', async () => {
      const fake = fakeClient(['open', '900', '1000', 'a']);
      const store = new RedisSharedStore({ client: fake.client, prefix: 'svc:' });
      const keys = ['svc:{db}:state', 'svc:{db}:failures'];
      await store.read('db');
      await store.open('db', 999.2, 'a');
      await store.isolate('db', 'a');
      await store.close('db', 'a', true);
      await store.recordFailure('db', {
        threshold: 3,
        windowMs: 10_000,
        breakDurationMs: 5000,
        origin: 'a',
      });
      await store.recordSuccess('db');
      expect(fake.calls).to.deep.equal([
        { name: 'holdfastCircuitRead', args: keys },
        { name: 'holdfastCircuitOpen', args: [...keys, 1000, 'a', 'svc:circuit-changes', 'db'] },
        { name: 'holdfastCircuitIsolate', args: [...keys, 'a', 'svc:circuit-changes', 'db'] },
        { name: 'holdfastCircuitClose', args: [...keys, '1', 'a', 'svc:circuit-changes', 'db'] },
        {
          name: 'holdfastCircuitFailure',
          args: [...keys, 3, 10_000, 5000, 'a', 'svc:circuit-changes', 'db'],
        },
        { name: 'del', args: ['svc:{db}:failures'] },
      ]);
    });
  });

  describe('parse', () => {
    it('turns each script reply into a state', () => {
      expect(parse(['closed', '2'])).to.deep.equal({ status: 'closed', failures: 2 });
      expect(parse(['open', 120, '5000', 'a'])).to.deep.equal({
        status: 'open',
        remainingMs: 120,
        breakDurationMs: 5000,
        origin: 'a',
      });
      expect(parse(['isolated', 'op'])).to.deep.equal({ status: 'isolated', origin: 'op' });
    });

    it('throws a TypeError on a reply it does not know', () => {
      expect(() => parse(['half-open'])).to.throw(TypeError);
    });
  });

  describe('subscribe', () => {
    it('listens on a duplicate connection made on first use, to its own channel only', () => {
      const fake = fakeClient();
      const store = new RedisSharedStore({ client: fake.client });
      const changes: SharedCircuitChange[] = [];
      store.subscribe((change) => changes.push(change));
      store.subscribe(() => undefined);
      expect(fake.duplicates).to.have.length(1);
      const subscriber = fake.duplicates[0]!;
      expect(subscriber.channels[0]).to.equal('holdfast:circuit-changes');
      const message = JSON.stringify({ key: 'db', origin: 'a', state: ['open', 10, 1000, 'a'] });
      subscriber.emit('message', 'holdfast:circuit-changes', message);
      subscriber.emit('message', 'elsewhere', message);
      subscriber.emit('message', 'holdfast:circuit-changes', 'not json');
      subscriber.emit('message', 'holdfast:circuit-changes', JSON.stringify({ key: 1 }));
      expect(changes).to.deep.equal([
        {
          key: 'db',
          origin: 'a',
          state: { status: 'open', remainingMs: 10, breakDurationMs: 1000, origin: 'a' },
        },
      ]);
    });

    it('reports the subscriber connection errors to onError', () => {
      const fake = fakeClient();
      const store = new RedisSharedStore({ client: fake.client });
      const errors: unknown[] = [];
      store.subscribe(
        () => undefined,
        (error) => errors.push(error),
      );
      const boom = new Error('ECONNREFUSED');
      fake.duplicates[0]!.emit('error', boom);
      expect(errors).to.deep.equal([boom]);
    });

    it('makes no connection with subscriber: false', () => {
      const fake = fakeClient();
      const store = new RedisSharedStore({ client: fake.client, subscriber: false });
      store.subscribe(() => undefined)();
      expect(fake.duplicates).to.have.length(0);
    });

    it('disconnects its connection when the last listener leaves, and makes a new one on demand', () => {
      const fake = fakeClient();
      const store = new RedisSharedStore({ client: fake.client });
      const first = store.subscribe(() => undefined);
      const second = store.subscribe(() => undefined);
      first();
      expect(fake.duplicates[0]!.disconnected).to.equal(false);
      second();
      expect(fake.duplicates[0]!.disconnected).to.equal(true);
      expect(fake.duplicates[0]!.listenerCount('message')).to.equal(0);
      store.subscribe(() => undefined);
      expect(fake.duplicates).to.have.length(2);
    });

    it('disconnects the connection it made on dispose', async () => {
      const fake = fakeClient();
      const store = new RedisSharedStore({ client: fake.client });
      store.subscribe(() => undefined);
      await store.dispose();
      expect(fake.duplicates[0]!.disconnected).to.equal(true);
    });
  });
});
