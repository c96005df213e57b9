// The behaviour every SharedBudgetStore must have, run against MemorySharedBudgetStore (fake
// time, spec/budget/MemorySharedBudgetStore.spec.ts) and RedisSharedStore (the real Redis,
// spec/integration/sharedBudget.spec.ts).
import { expect } from 'chai';
import type { SharedBudgetStore } from '../../src/budget/SharedBudgetStore.js';

export interface BudgetContractFixture {
  readonly store: SharedBudgetStore;
  /** Lets `ms` pass (fake or real time). */
  advance(ms: number): Promise<void>;
  /** A key no other test uses. */
  key(name: string): string;
}

export function sharedBudgetStoreContract(fixture: () => BudgetContractFixture): void {
  it('reads an unknown key as undefined and applies to it from a full bucket', async () => {
    const { store, key } = fixture();
    const k = key('unknown');
    expect(await store.readBudget(k)).to.equal(undefined);
    expect(await store.applyBudget(k, -1, 10, 5000)).to.equal(9);
    expect(await store.readBudget(k)).to.equal(9);
  });

  it('adds fractions exactly enough and clamps to [0, maxTokens]', async () => {
    const { store, key } = fixture();
    const k = key('clamp');
    expect(await store.applyBudget(k, -4.5, 10, 5000)).to.equal(5.5);
    expect(await store.applyBudget(k, 0.1, 10, 5000)).to.be.closeTo(5.6, 1e-9);
    expect(await store.applyBudget(k, -100, 10, 5000)).to.equal(0);
    expect(await store.applyBudget(k, 0.5, 10, 5000)).to.equal(0.5);
    expect(await store.applyBudget(k, 100, 10, 5000)).to.equal(10);
    expect(await store.applyBudget(k, 0, 10, 5000)).to.equal(10);
  });

  it('forgets the count after the TTL, and every write renews it', async () => {
    const { store, key, advance } = fixture();
    const k = key('ttl');
    await store.applyBudget(k, -3, 10, 300);
    await advance(200);
    expect(await store.applyBudget(k, 0, 10, 300)).to.equal(7);
    await advance(200);
    expect(await store.readBudget(k)).to.equal(7);
    await advance(200);
    expect(await store.readBudget(k)).to.equal(undefined);
    expect(await store.applyBudget(k, 0, 10, 300)).to.equal(10);
  });
}
