// Retry budgets in two "processes" (two clients, two stores, two budgets) sharing one bucket
// through the real Redis on 127.0.0.1:6379. Every key lives under a prefix unique to this run
// and is deleted afterwards; the shared server is never reconfigured.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { RetryBudget } from '../../src/budget/RetryBudget.js';
import type { RetryBudgetEvent } from '../../src/budget/RetryBudgetEvent.js';
import type { SharedBudgetOptions } from '../../src/budget/SharedBudgetLink.js';
import { RedisSharedStore } from '../../src/ioredis/shared/RedisSharedStore.js';
import { sharedBudgetStoreContract } from '../budget/sharedBudgetStoreContract.js';
import { eventually } from '../helpers/eventually.js';
import { unreachableRedis } from '../helpers/unreachableRedis.js';

const prefix = `holdfast-test:${randomUUID()}:`;
const syncIntervalMs = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('shared retry budget through the real Redis', function () {
  this.timeout(10_000);
  const clients: Redis[] = [];
  const budgets: RetryBudget[] = [];

  function client(): Redis {
    const redis = new Redis({
      host: '127.0.0.1',
      port: 6379,
      enableOfflineQueue: true,
      commandTimeout: 2000,
    });
    clients.push(redis);
    return redis;
  }

  /** One "process": its own client, store and budget. */
  function peer(shared: Partial<SharedBudgetOptions> = {}, store?: RedisSharedStore): RetryBudget {
    const budget = new RetryBudget({
      name: 'mysql-main',
      maxTokens: 10,
      minRetriesPerSecond: 0,
      shared: {
        store: store ?? new RedisSharedStore({ client: client(), prefix, subscriber: false }),
        syncIntervalMs,
        ...shared,
      },
    });
    budgets.push(budget);
    return budget;
  }

  afterEach(() => {
    for (const budget of budgets.splice(0)) budget.dispose();
  });

  after(async () => {
    const cleaner = clients[0] ?? client();
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    expect(await cleaner.keys(`${prefix}*`)).to.deep.equal([]);
    for (const redis of clients) redis.disconnect();
  });

  describe('the SharedBudgetStore contract (RedisSharedStore)', () => {
    let shared: RedisSharedStore | undefined;
    sharedBudgetStoreContract(() => {
      shared ??= new RedisSharedStore({ client: client(), prefix, subscriber: false });
      return {
        store: shared,
        advance: (ms) => sleep(ms),
        key: (name) => `contract-${name}-${randomUUID()}`,
      };
    });
  });

  describe('two processes', () => {
    it('A spends until exhausted; B refuses within one sync interval; the key has a TTL', async () => {
      const key = `spend-${randomUUID()}`;
      const a = peer({ key, ttlMs: 30_000 });
      const b = peer({ key, ttlMs: 30_000 });
      await sleep(150); // both have synced once (a full bucket)
      expect(b.snapshot().tokens).to.equal(10);
      let allowed = 0;
      while (a.tryRetry('transient')) allowed += 1;
      expect(allowed).to.equal(5);
      const waited = await eventually(() => b.snapshot().tokens <= 5, 1000);
      expect(b.tryRetry('transient')).to.equal(false);
      expect(waited).to.be.at.most(syncIntervalMs + 50);
      const probe = clients[0]!;
      const redisKey = `${prefix}${key}:budget`;
      expect(Number(await probe.get(redisKey))).to.equal(5);
      expect(await probe.pttl(redisKey)).to.be.within(1, 30_000);
      console.log(`      B saw A's spending ${waited} ms after A's last retry`);
    });

    it("successes in B refill A's bucket", async () => {
      const key = `refill-${randomUUID()}`;
      const a = peer({ key });
      const b = peer({ key });
      await sleep(150);
      while (a.tryRetry('transient'));
      await eventually(() => b.snapshot().tokens <= 5, 1000);
      for (let i = 0; i < 20; i++) b.recordSuccess(); // +2 for the fleet
      await eventually(() => a.snapshot().tokens >= 7 - 1e-9, 1000);
      expect(a.tryRetry('transient')).to.equal(true);
      expect(a.tryRetry('transient')).to.equal(true);
      expect(a.tryRetry('transient')).to.equal(false);
    });

    it('one RedisSharedStore serves a budget and reports its script only when used', async () => {
      const redis = client();
      const store = new RedisSharedStore({ client: redis, prefix, subscriber: false });
      expect(redis).not.to.have.property('holdfastBudgetApply');
      const key = `one-store-${randomUUID()}`;
      expect(await store.applyBudget(key, -2, 10, 5000)).to.equal(8);
      expect(await store.readBudget(key)).to.equal(8);
      expect(redis).to.have.property('holdfastBudgetApply');
    });
  });

  describe('fallback when the store is unreachable', () => {
    it('keeps deciding on the local count and says so once', async () => {
      const dead = await unreachableRedis();
      clients.push(dead);
      const budget = peer({}, new RedisSharedStore({ client: dead, prefix, subscriber: false }));
      const seen: RetryBudgetEvent[] = [];
      budget.events$.subscribe((event) => seen.push(event));
      await eventually(() => seen.some((e) => e.type === 'shared-store-failed'));
      let allowed = 0;
      while (budget.tryRetry('transient')) allowed += 1;
      expect(allowed).to.equal(5);
      await sleep(3 * syncIntervalMs);
      expect(seen.filter((e) => e.type === 'shared-store-failed')).to.have.length(1);
    });
  });
});
