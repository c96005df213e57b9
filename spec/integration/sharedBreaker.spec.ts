// Breakers in two "processes" (two clients, two stores, two breakers) sharing one state through
// the real Redis on 127.0.0.1:6379. Every key lives under a prefix unique to this run and is
// deleted afterwards; the shared server is never reconfigured.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { CircuitEvent } from '../../src/breaker/CircuitEvent.js';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import type { SharedBreakerOptions } from '../../src/breaker/CircuitBreakerOptions.js';
import { ConsecutiveFailures } from '../../src/breaker/ConsecutiveFailures.js';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { transient } from '../../src/classify/Classification.js';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { RedisSharedStore } from '../../src/ioredis/shared/RedisSharedStore.js';
import { sharedStoreContract } from '../breaker/sharedStoreContract.js';
import { eventually } from '../helpers/eventually.js';
import { unreachableRedis } from '../helpers/unreachableRedis.js';

const down = transient('network: ECONNREFUSED');
const prefix = `holdfast-test:${randomUUID()}:`;

function fail(breaker: CircuitBreaker, n: number): void {
  for (let i = 0; i < n; i++) breaker.acquire().failure(new Error('x'), down);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('shared circuit breaker through the real Redis', function () {
  this.timeout(10_000);
  const clients: Redis[] = [];
  const stores: RedisSharedStore[] = [];
  const breakers: CircuitBreaker[] = [];

  /** A holdfast client: the store runs its scripts on it and subscribes on its duplicate(). */
  function client(): Redis {
    const redis = createRedisClient({ host: '127.0.0.1', port: 6379, commandTimeoutMs: 2000 });
    clients.push(redis);
    return redis;
  }

  function store(options: { subscriber?: false } = {}): RedisSharedStore {
    const s = new RedisSharedStore({ client: client(), prefix, ...options });
    stores.push(s);
    return s;
  }

  /** One "process": its own client, store and breaker. */
  function peer(
    id: string,
    shared: Partial<SharedBreakerOptions> = {},
    s = store(),
  ): CircuitBreaker {
    const breaker = new CircuitBreaker({
      name: `db-${id.split('-')[0] ?? id}`,
      instanceId: id,
      trip: new ConsecutiveFailures({ threshold: 3 }),
      breakDurationMs: 5000,
      shared: { store: s, key: shared.key ?? 'mysql-main', ...shared },
    });
    breakers.push(breaker);
    return breaker;
  }

  afterEach(() => {
    for (const breaker of breakers.splice(0)) breaker.dispose();
  });

  after(async () => {
    for (const s of stores) await s.dispose();
    const cleaner = clients[0] ?? client();
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    expect(await cleaner.keys(`${prefix}*`)).to.deep.equal([]);
    for (const redis of clients) redis.disconnect();
  });

  describe('the SharedBreakerStore contract (RedisSharedStore)', () => {
    let shared: RedisSharedStore | undefined;
    sharedStoreContract(() => {
      shared ??= store();
      const s = shared;
      return {
        store: s,
        advance: (ms) => sleep(ms),
        // A round trip on the subscriber's server: published messages are delivered before it.
        settle: () => sleep(50),
        key: (name) => `contract-${name}-${randomUUID()}`,
      };
    });
  });

  describe('two processes', () => {
    it('one trips the breaker; the other refuses its next acquire after one round trip (push)', async () => {
      const key = `push-${randomUUID()}`;
      const a = peer('a-1', { key });
      const b = peer('b-1', { key });
      b.acquire().success();
      await sleep(100); // let b's subscription reach Redis
      fail(a, 3);
      const waited = await eventually(() => b.state.status === 'open');
      expect(b.state).to.include({ status: 'open', source: 'shared' });
      let error: unknown;
      try {
        b.acquire();
      } catch (e) {
        error = e;
      }
      expect(error).to.have.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
      expect((error as { retryAfterMs: number }).retryAfterMs).to.be.within(4000, 5000);
      console.log(`      push: the other process was open ${waited} ms after the trip`);
    });

    it('the other sees it on the acquire after its background read (pull, no subscriber)', async () => {
      const key = `pull-${randomUUID()}`;
      const a = peer('a-2', { key }, store({ subscriber: false }));
      const b = peer('b-2', { key, syncIntervalMs: 0 }, store({ subscriber: false }));
      fail(a, 3);
      await eventually(() => a.state.status === 'open');
      await sleep(50); // a's publish (one round trip) has landed
      b.acquire().success(); // admitted: the read it starts does not hold the call up
      await eventually(() => b.state.status === 'open');
      expect(() => b.acquire())
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
    });

    it('a probe success in one closes the other', async () => {
      const key = `probe-${randomUUID()}`;
      const options = { key };
      const make = (id: string) => {
        const breaker = new CircuitBreaker({
          instanceId: id,
          trip: new ConsecutiveFailures({ threshold: 1 }),
          breakDurationMs: 150,
          shared: { store: store(), ...options },
        });
        breakers.push(breaker);
        return breaker;
      };
      const a = make('a-3');
      const b = make('b-3');
      await sleep(100);
      fail(a, 1);
      await eventually(() => b.state.status === 'open');
      await eventually(() => a.state.status === 'half-open');
      a.acquire().success();
      await eventually(() => b.state.status === 'closed');
    });

    it('isolate() in one isolates the other; reset() in the other closes both', async () => {
      const key = `isolate-${randomUUID()}`;
      const a = peer('a-4', { key });
      const b = peer('b-4', { key });
      await sleep(100);
      a.isolate();
      await eventually(() => b.state.status === 'isolated');
      b.reset();
      await eventually(() => a.state.status === 'closed');
    });
  });

  describe('two ConnectionManagers', () => {
    it('one trips the shared breaker by failing to connect; the other refuses without connecting', async () => {
      const key = `managers-${randomUUID()}`;
      const refused = () =>
        Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        );
      let bConnects = 0;
      const a = new ConnectionManager<object>({
        name: 'mysql-main',
        connect: refused,
        circuitBreaker: peer('a-5', { key }),
        retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 10 },
        budget: false,
      });
      const b = new ConnectionManager<object>({
        name: 'mysql-main',
        connect: () => {
          bConnects += 1;
          return Promise.resolve({});
        },
        circuitBreaker: peer('b-5', { key }),
        budget: false,
      });
      try {
        await sleep(100);
        const errorA = await a.ready().catch((e: unknown) => e);
        expect(errorA).to.have.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
        const breakerB = breakers[breakers.length - 1]!;
        await eventually(() => breakerB.state.status === 'open');
        const errorB = await b.ready().catch((e: unknown) => e);
        expect(errorB).to.have.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
        expect(bConnects).to.equal(0);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('fallback when the store is unreachable', () => {
    it('keeps working on local state and says so in an event', async () => {
      const dead = await unreachableRedis();
      clients.push(dead);
      const unreachable = new RedisSharedStore({ client: dead, prefix, subscriber: false });
      const breaker = new CircuitBreaker({
        instanceId: 'lonely',
        trip: new ConsecutiveFailures({ threshold: 2 }),
        breakDurationMs: 100,
        shared: { store: unreachable, syncIntervalMs: 0 },
      });
      breakers.push(breaker);
      const seen: CircuitEvent[] = [];
      breaker.events$.subscribe((event) => seen.push(event));
      breaker.acquire().success();
      await eventually(() => seen.some((e) => e.type === 'shared-store-failed'));
      fail(breaker, 2);
      expect(breaker.state.status).to.equal('open');
      expect(() => breaker.acquire())
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
      await eventually(() => breaker.state.status === 'half-open');
      breaker.acquire().success();
      expect(breaker.state.status).to.equal('closed');
      expect(seen.filter((e) => e.type === 'shared-store-failed')).to.have.length(1);
    });
  });
});
