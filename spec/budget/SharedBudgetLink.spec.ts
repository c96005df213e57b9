// Retry budgets of several "processes" sharing one bucket through a MemorySharedBudgetStore,
// with fake time. The same through the real Redis: spec/integration/sharedBudget.spec.ts.
import { expect } from 'chai';
import sinon from 'sinon';
import { MemorySharedBreakerStore } from '../../src/breaker/MemorySharedBreakerStore.js';
import { MemorySharedBudgetStore } from '../../src/budget/MemorySharedBudgetStore.js';
import { RetryBudget, type RetryBudgetOptions } from '../../src/budget/RetryBudget.js';
import type { RetryBudgetEvent } from '../../src/budget/RetryBudgetEvent.js';
import type { SharedBudgetOptions } from '../../src/budget/SharedBudgetLink.js';
import type { SharedBudgetStore } from '../../src/budget/SharedBudgetStore.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';

function retries(budget: RetryBudget, n: number): number {
  let allowed = 0;
  for (let i = 0; i < n; i++) if (budget.tryRetry('transient')) allowed += 1;
  return allowed;
}

function successes(budget: RetryBudget, n: number): void {
  for (let i = 0; i < n; i++) budget.recordSuccess();
}

/** Wraps a store: fails (or hangs) while `mode.down`, and counts requests in flight. */
function instrumented(store: SharedBudgetStore, mode: { down: boolean; hang?: boolean }) {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const wrapped: SharedBudgetStore = {
    applyBudget: async (key, delta, max, ttl) => {
      stats.calls += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        if (mode.down && mode.hang === true) return await new Promise<number>(() => undefined);
        if (mode.down)
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return await store.applyBudget(key, delta, max, ttl);
      } finally {
        stats.inFlight -= 1;
      }
    },
    readBudget: (key) => store.readBudget(key),
  };
  return { store: wrapped, stats };
}

describe('SharedBudgetLink (RetryBudget with `shared`)', () => {
  let clock: sinon.SinonFakeTimers;
  let memory: MemorySharedBudgetStore;
  let budgets: RetryBudget[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 3_000_000 });
    memory = new MemorySharedBudgetStore();
    budgets = [];
  });
  afterEach(() => {
    for (const budget of budgets) budget.dispose();
    clock.restore();
  });

  function make(
    shared: Partial<SharedBudgetOptions> = {},
    options: RetryBudgetOptions = {},
  ): RetryBudget {
    const budget = new RetryBudget({
      name: 'mysql-main',
      maxTokens: 10,
      minRetriesPerSecond: 0,
      ...options,
      shared: { store: memory, ...shared },
    });
    budgets.push(budget);
    return budget;
  }

  function events(budget: RetryBudget): RetryBudgetEvent[] {
    const seen: RetryBudgetEvent[] = [];
    budget.events$.subscribe((event) => seen.push(event));
    return seen;
  }

  describe('two budgets, one store', () => {
    it("A's retries reduce what B may spend after one sync interval", async () => {
      const a = make();
      const b = make();
      await clock.tickAsync(0);
      expect(retries(a, 3)).to.equal(3);
      await clock.tickAsync(0);
      expect(await memory.readBudget('mysql-main')).to.equal(7);
      expect(b.snapshot().tokens).to.equal(10); // not synced yet
      await clock.tickAsync(100);
      expect(b.snapshot().tokens).to.equal(7);
      expect(retries(b, 10)).to.equal(2);
      await clock.tickAsync(100);
      expect(a.snapshot().tokens).to.equal(5);
      expect(await memory.readBudget('mysql-main')).to.equal(5);
    });

    it("B refuses once the fleet's tokens are at half, though B itself spent nothing", async () => {
      const a = make();
      const b = make();
      const seen = events(b);
      expect(retries(a, 10)).to.equal(5);
      await clock.tickAsync(100);
      expect(b.tryRetry('transient')).to.equal(false);
      expect(b.tryRetry('throttled')).to.equal(false);
      expect(seen.map((e) => e.type)).to.deep.equal(['exhausted', 'retry-denied', 'retry-denied']);
      expect(b.snapshot()).to.include({ tokens: 5, retriesAllowed: 0, retriesDenied: 2 });
    });

    it('a success in either refills both', async () => {
      const a = make();
      const b = make();
      retries(a, 5);
      await clock.tickAsync(100);
      successes(b, 10); // +1 token for the fleet
      await clock.tickAsync(100);
      expect(await memory.readBudget('mysql-main')).to.be.closeTo(6, 1e-9);
      await clock.tickAsync(100); // A's next sync
      expect(a.snapshot().tokens).to.be.closeTo(6, 1e-9);
      expect(retries(a, 10)).to.equal(1);
    });

    it('sends refills even when the local copy is full (the fleet may not be)', async () => {
      const a = make();
      await memory.applyBudget('mysql-main', -4, 10, 60_000); // another process spent 4
      successes(a, 10);
      expect(a.snapshot().tokens).to.equal(10); // stale
      await clock.tickAsync(100);
      expect(a.snapshot().tokens).to.be.closeTo(7, 1e-9);
    });

    it('keeps the reserve (minRetriesPerSecond) per process', async () => {
      const a = make({}, { minRetriesPerSecond: 2 });
      const b = make({}, { minRetriesPerSecond: 2 });
      expect(retries(a, 10)).to.equal(7); // 5 from the bucket, 2 from its reserve
      await clock.tickAsync(100);
      expect(b.snapshot().tokens).to.equal(5);
      expect(retries(b, 10)).to.equal(2); // its own reserve only
      await clock.tickAsync(0);
      expect(await memory.readBudget('mysql-main')).to.equal(5);
    });

    it('budgets with another key do not share', async () => {
      const a = make();
      const c = make({ key: 'redis-cache' });
      retries(a, 5);
      await clock.tickAsync(200);
      expect(c.snapshot().tokens).to.equal(10);
    });
  });

  describe('syncing', () => {
    it('keeps at most one request in flight and loses no spend', async () => {
      const { store, stats } = instrumented(memory, { down: false });
      const a = make({ store });
      for (let i = 0; i < 5; i++) {
        expect(a.tryRetry('throttled')).to.equal(true);
        await Promise.resolve();
      }
      await clock.tickAsync(0);
      expect(stats.maxInFlight).to.equal(1);
      expect(await memory.readBudget('mysql-main')).to.equal(7.5);
    });

    it('sends a spend at once, and otherwise syncs every syncIntervalMs', async () => {
      const { store, stats } = instrumented(memory, { down: false });
      const a = make({ store, syncIntervalMs: 250 });
      await clock.tickAsync(0);
      expect(stats.calls).to.equal(0); // the first sync waits one interval
      a.tryRetry('transient');
      await clock.tickAsync(0);
      expect(stats.calls).to.equal(1);
      successes(a, 3); // refills wait for the timer
      await clock.tickAsync(249);
      expect(stats.calls).to.equal(1);
      await clock.tickAsync(1);
      expect(stats.calls).to.equal(2);
      await clock.tickAsync(1000);
      expect(stats.calls).to.equal(6);
    });

    it('replaces the local count with the answer, minus what was spent meanwhile', async () => {
      let release: (tokens: number) => void = () => undefined;
      const slow: SharedBudgetStore = {
        applyBudget: () =>
          new Promise<number>((resolve) => {
            release = resolve;
          }),
        readBudget: () => Promise.resolve(undefined),
      };
      const a = make({ store: slow });
      a.tryRetry('transient'); // sent at once
      a.tryRetry('transient'); // waits behind it
      release(8); // the fleet's count after the first spend
      await clock.tickAsync(0);
      expect(a.snapshot().tokens).to.equal(7);
    });
  });

  describe('when the store fails', () => {
    it('goes on locally, says so once, and sends what it owes when the store is back', async () => {
      const mode = { down: true };
      const { store } = instrumented(memory, mode);
      const a = make({ store });
      const b = make();
      const seen = events(a);
      await clock.tickAsync(0);
      expect(retries(a, 10)).to.equal(5); // decided on its own count
      await clock.tickAsync(500);
      expect(seen.filter((e) => e.type === 'shared-store-failed')).to.have.length(1);
      expect(seen.find((e) => e.type === 'shared-store-failed')).to.include({
        operation: 'applyBudget',
      });
      expect(b.snapshot().tokens).to.equal(10); // nothing reached the store
      mode.down = false;
      await clock.tickAsync(100);
      expect(seen.map((e) => e.type).filter((t) => t.startsWith('shared'))).to.deep.equal([
        'shared-store-failed',
        'shared-store-restored',
      ]);
      expect(await memory.readBudget('mysql-main')).to.equal(5);
      await clock.tickAsync(100);
      expect(b.tryRetry('transient')).to.equal(false);
    });

    it('counts a request that takes longer than timeoutMs as failed', async () => {
      const mode = { down: true, hang: true };
      const { store } = instrumented(memory, mode);
      const a = make({ store, timeoutMs: 300 });
      const seen = events(a);
      expect(a.tryRetry('transient')).to.equal(true);
      await clock.tickAsync(299);
      expect(seen).to.deep.equal([]);
      await clock.tickAsync(1);
      expect(seen.map((e) => e.type)).to.deep.equal(['shared-store-failed']);
      mode.down = false;
      // The sync sent at 300 ms, while the store still hung, times out at 600 ms.
      await clock.tickAsync(299);
      expect(seen.map((e) => e.type)).to.deep.equal(['shared-store-failed']);
      await clock.tickAsync(1);
      expect(seen.map((e) => e.type)).to.deep.equal([
        'shared-store-failed',
        'shared-store-restored',
      ]);
      expect(await memory.readBudget('mysql-main')).to.equal(9);
    });
  });

  describe('dispose', () => {
    it('leaves no timer behind, and the budget still answers locally', async () => {
      expect(clock.countTimers()).to.equal(0);
      const a = make();
      await clock.tickAsync(0);
      expect(clock.countTimers()).to.equal(1);
      a.tryRetry('transient');
      a.dispose();
      await clock.tickAsync(1000);
      expect(clock.countTimers()).to.equal(0);
      expect(retries(a, 10)).to.equal(4);
      await clock.tickAsync(1000);
      expect(await memory.readBudget('mysql-main')).to.equal(9); // only what was sent before
    });

    it('leaves no timer behind while a request hangs', async () => {
      const { store } = instrumented(memory, { down: true, hang: true });
      const a = make({ store });
      a.tryRetry('transient');
      a.dispose();
      await clock.tickAsync(0);
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('options', () => {
    const store = new MemorySharedBudgetStore();
    const invalid: [string, unknown, string][] = [
      ['an unknown key', { store, ttl: 5 }, 'ttl'],
      ['no store', {}, 'shared.store'],
      ['a breaker store', { store: new MemorySharedBreakerStore() }, 'shared.store'],
      ['an empty key', { store, key: '' }, 'shared.key'],
      ['syncIntervalMs 0', { store, syncIntervalMs: 0 }, 'shared.syncIntervalMs'],
      ['a negative ttlMs', { store, ttlMs: -1 }, 'shared.ttlMs'],
      ['timeoutMs NaN', { store, timeoutMs: Number.NaN }, 'shared.timeoutMs'],
      ['a string', 'redis', 'shared'],
    ];
    for (const [what, shared, option] of invalid) {
      it(`rejects ${what}, naming \`${option}\``, () => {
        let error: unknown;
        try {
          new RetryBudget({ shared: shared as SharedBudgetOptions });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(ConfigurationError);
        expect(error).to.have.property('option', option);
        expect(clock.countTimers()).to.equal(0);
      });
    }

    it('keys the bucket by the budget name by default', async () => {
      const a = make();
      a.tryRetry('transient');
      await clock.tickAsync(0);
      expect(await memory.readBudget('mysql-main')).to.equal(9);
    });
  });
});
