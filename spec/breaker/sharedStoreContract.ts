// The behaviour every SharedBreakerStore must have, run against MemorySharedBreakerStore (fake
// time, spec/breaker/MemorySharedBreakerStore.spec.ts) and RedisSharedStore (the real Redis,
// spec/integration/sharedBreaker.spec.ts).
import { expect } from 'chai';
import type {
  SharedBreakerStore,
  SharedCircuitChange,
} from '../../src/breaker/SharedBreakerStore.js';

export interface ContractFixture {
  readonly store: SharedBreakerStore;
  /** Lets `ms` pass (fake or real time). */
  advance(ms: number): Promise<void>;
  /** Waits until published changes have reached the subscribers. */
  settle(): Promise<void>;
  /** A key no other test uses. */
  key(name: string): string;
}

export function sharedStoreContract(fixture: () => ContractFixture): void {
  const fleet = (threshold: number, windowMs = 10_000) => ({
    threshold,
    windowMs,
    breakDurationMs: 5000,
    origin: 'a',
  });

  it('reads an unknown key as closed with no failures', async () => {
    const { store, key } = fixture();
    expect(await store.read(key('unknown'))).to.deep.equal({ status: 'closed', failures: 0 });
  });

  it('opens a key for the break and expires it afterwards', async () => {
    const { store, key, advance } = fixture();
    const k = key('open');
    const opened = await store.open(k, 300, 'a');
    expect(opened).to.include({ status: 'open', breakDurationMs: 300, origin: 'a' });
    expect(opened.status === 'open' && opened.remainingMs).to.be.within(1, 300);
    await advance(400);
    expect(await store.read(k)).to.deep.equal({ status: 'closed', failures: 0 });
  });

  it('never shortens a longer break', async () => {
    const { store, key } = fixture();
    const k = key('longer');
    await store.open(k, 60_000, 'a');
    const state = await store.open(k, 1000, 'b');
    expect(state).to.include({ status: 'open', breakDurationMs: 60_000, origin: 'a' });
  });

  it('extends a shorter break', async () => {
    const { store, key } = fixture();
    const k = key('extend');
    await store.open(k, 1000, 'a');
    expect(await store.open(k, 60_000, 'b')).to.include({ breakDurationMs: 60_000, origin: 'b' });
  });

  it('keeps an isolation through opens, time and probe closes; a forced close lifts it', async () => {
    const { store, key, advance } = fixture();
    const k = key('isolated');
    expect(await store.isolate(k, 'op')).to.deep.equal({ status: 'isolated', origin: 'op' });
    expect(await store.open(k, 100, 'a')).to.deep.equal({ status: 'isolated', origin: 'op' });
    await advance(200);
    expect(await store.close(k, 'a', false)).to.deep.equal({ status: 'isolated', origin: 'op' });
    expect(await store.close(k, 'op', true)).to.deep.equal({ status: 'closed', failures: 0 });
  });

  it('counts fleet failures and opens at the threshold; a success starts the count again', async () => {
    const { store, key } = fixture();
    const k = key('fleet');
    expect(await store.recordFailure(k, fleet(3))).to.deep.equal({ status: 'closed', failures: 1 });
    await store.recordSuccess(k);
    await store.recordFailure(k, fleet(3));
    expect(await store.recordFailure(k, fleet(3))).to.deep.equal({ status: 'closed', failures: 2 });
    expect(await store.recordFailure(k, fleet(3))).to.include({
      status: 'open',
      breakDurationMs: 5000,
    });
    expect(await store.recordFailure(k, fleet(3)), 'open: not counted').to.include({
      status: 'open',
    });
  });

  it('forgets fleet failures after the window', async () => {
    const { store, key, advance } = fixture();
    const k = key('window');
    await store.recordFailure(k, fleet(2, 200));
    await advance(300);
    expect(await store.recordFailure(k, fleet(2, 200))).to.deep.equal({
      status: 'closed',
      failures: 1,
    });
  });

  it('publishes every change, with its key and origin, to the subscribers', async () => {
    const { store, key, settle } = fixture();
    const changes: SharedCircuitChange[] = [];
    const unsubscribe = store.subscribe?.((change) => changes.push(change));
    expect(unsubscribe, 'the store pushes').to.be.a('function');
    await settle();
    const k = key('published');
    await store.open(k, 60_000, 'a');
    await store.isolate(k, 'b');
    await store.close(k, 'c', true);
    await settle();
    unsubscribe?.();
    const mine = changes.filter((c) => c.key === k);
    expect(mine.map((c) => [c.origin, c.state.status])).to.deep.equal([
      ['a', 'open'],
      ['b', 'isolated'],
      ['c', 'closed'],
    ]);
  });
}
