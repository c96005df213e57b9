import { expect } from 'chai';
import sinon from 'sinon';
import type { CircuitEvent } from '../../src/breaker/CircuitEvent.js';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import type { SharedBreakerOptions } from '../../src/breaker/CircuitBreakerOptions.js';
import { ConsecutiveFailures } from '../../src/breaker/ConsecutiveFailures.js';
import { MemorySharedBreakerStore } from '../../src/breaker/MemorySharedBreakerStore.js';
import type { SharedBreakerStore } from '../../src/breaker/SharedBreakerStore.js';
import { transient } from '../../src/classify/Classification.js';

const down = transient('network: ECONNREFUSED');

function fail(breaker: CircuitBreaker, n = 1): void {
  for (let i = 0; i < n; i++) breaker.acquire().failure(new Error('x'), down);
}

/** The memory store without push: only reads on acquire carry changes. */
function pullOnly(store: MemorySharedBreakerStore): SharedBreakerStore {
  return {
    read: (k) => store.read(k),
    open: (k, ms, o) => store.open(k, ms, o),
    isolate: (k, o) => store.isolate(k, o),
    close: (k, o, f) => store.close(k, o, f),
    recordFailure: (k, o) => store.recordFailure(k, o),
    recordSuccess: (k) => store.recordSuccess(k),
  };
}

/** A store whose every operation fails (or hangs) while `down` is set. */
function flaky(
  store: MemorySharedBreakerStore,
  mode: { down: boolean; hang?: boolean },
): SharedBreakerStore {
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (!mode.down) return fn(...args);
      if (mode.hang === true) return new Promise<R>(() => undefined);
      return Promise.reject(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      );
    };
  return {
    read: guard((k: string) => store.read(k)),
    open: guard((k: string, ms: number, o: string) => store.open(k, ms, o)),
    isolate: guard((k: string, o: string) => store.isolate(k, o)),
    close: guard((k: string, o: string, f: boolean) => store.close(k, o, f)),
    recordFailure: guard((k: string, o: Parameters<SharedBreakerStore['recordFailure']>[1]) =>
      store.recordFailure(k, o),
    ),
    recordSuccess: guard((k: string) => store.recordSuccess(k)),
  };
}

describe('SharedCircuitLink', () => {
  let clock: sinon.SinonFakeTimers;
  let breakers: CircuitBreaker[];
  let memory: MemorySharedBreakerStore;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 2_000_000 });
    breakers = [];
    memory = new MemorySharedBreakerStore();
  });
  afterEach(() => {
    for (const breaker of breakers) breaker.dispose();
    clock.restore();
  });

  function make(instanceId: string, shared: Partial<SharedBreakerOptions> = {}): CircuitBreaker {
    const breaker = new CircuitBreaker({
      name: 'mysql-main',
      instanceId,
      trip: new ConsecutiveFailures({ threshold: 3 }),
      breakDurationMs: 1000,
      shared: { store: memory, ...shared },
    });
    breakers.push(breaker);
    return breaker;
  }

  function events(breaker: CircuitBreaker): CircuitEvent[] {
    const seen: CircuitEvent[] = [];
    breaker.events$.subscribe((event) => seen.push(event));
    return seen;
  }

  describe('push (a store with subscribe)', () => {
    it('opens the other breaker as soon as the change is published', async () => {
      const a = make('a');
      const b = make('b');
      fail(a, 3);
      await clock.tickAsync(0);
      expect(b.state).to.include({ status: 'open', reason: 'shared', source: 'shared' });
      expect(() => b.acquire())
        .to.throw()
        .with.property('retryAfterMs', 1000);
    });

    it('closes the others when a probe succeeds here', async () => {
      const a = make('a');
      const b = make('b');
      fail(a, 3);
      await clock.tickAsync(1000);
      expect([a.state.status, b.state.status]).to.deep.equal(['half-open', 'half-open']);
      a.acquire().success();
      await clock.tickAsync(0);
      expect(b.state).to.deep.equal({ status: 'closed' });
    });

    it('reopens the others, for the longer break, when a probe fails here', async () => {
      const a = make('a');
      const b = make('b');
      fail(a, 3);
      await clock.tickAsync(1000);
      fail(a, 1);
      await clock.tickAsync(0);
      expect(b.state).to.include({ status: 'open', breakDurationMs: 2000 });
    });

    it('shares isolate() and reset()', async () => {
      const a = make('a');
      const b = make('b');
      a.isolate();
      await clock.tickAsync(0);
      expect(b.state).to.deep.equal({ status: 'isolated', source: 'shared' });
      b.reset();
      await clock.tickAsync(0);
      expect(a.state.status).to.equal('closed');
    });

    it('only follows breakers with the same key', async () => {
      const a = make('a');
      const other = make('b', { key: 'redis-cache' });
      fail(a, 3);
      await clock.tickAsync(0);
      expect(other.state.status).to.equal('closed');
    });
  });

  describe('pull (a store without subscribe)', () => {
    it('sees an opening on the first acquire after its background read returns', async () => {
      const store = pullOnly(memory);
      const a = make('a', { store });
      const b = make('b', { store, syncIntervalMs: 500 });
      b.acquire().success();
      fail(a, 3);
      await clock.tickAsync(0);
      expect(b.state.status, 'cached copy still fresh').to.equal('closed');
      await clock.tickAsync(500);
      b.acquire().success();
      expect(b.state.status, 'read in flight: the call is not held up').to.equal('closed');
      await clock.tickAsync(0);
      expect(() => b.acquire())
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
    });

    it('does not close a breaker that opened locally because the shared key reads closed', async () => {
      const store = pullOnly(memory);
      const a = make('a', { store, syncIntervalMs: 0 });
      fail(a, 3);
      await memory.close('mysql-main', 'someone', true);
      expect(() => a.acquire()).to.throw();
      await clock.tickAsync(0);
      expect(a.state.status).to.equal('open');
    });

    it('reads nothing while the cached copy is younger than syncIntervalMs', async () => {
      const read = sinon.spy(memory, 'read');
      const a = make('a', { syncIntervalMs: 1000 });
      for (let i = 0; i < 10; i++) {
        a.acquire().success();
        await clock.tickAsync(50);
      }
      expect(read.callCount).to.equal(1);
    });
  });

  describe('fleet failures', () => {
    it('opens every breaker when the fleet reaches fleetFailureThreshold', async () => {
      const a = make('a', { fleetFailureThreshold: 4 });
      const b = make('b', { fleetFailureThreshold: 4 });
      fail(a, 2);
      fail(b, 2);
      await clock.tickAsync(0);
      expect([a.state.status, b.state.status]).to.deep.equal(['open', 'open']);
      expect(b.state).to.include({ reason: 'fleet-failures', breakDurationMs: 1000 });
      expect(a.state).to.include({ reason: 'shared' });
    });

    it('starts the fleet count again after a success that follows its failures', async () => {
      const a = make('a', { fleetFailureThreshold: 4 });
      const b = make('b', { fleetFailureThreshold: 4 });
      fail(a, 2);
      await clock.tickAsync(0);
      a.acquire().success();
      await clock.tickAsync(0);
      fail(b, 2);
      await clock.tickAsync(0);
      expect(await memory.read('mysql-main')).to.deep.equal({ status: 'closed', failures: 2 });
    });
  });

  describe('fallback to local state', () => {
    it('reports shared-store-failed once, keeps tripping locally, and reports the recovery', async () => {
      const mode = { down: true };
      const a = make('a', { store: flaky(memory, mode), syncIntervalMs: 100 });
      const seen = events(a);
      fail(a, 3);
      await clock.tickAsync(1000);
      expect(a.state.status, 'the local timer still runs').to.equal('half-open');
      fail(a, 1);
      await clock.tickAsync(0);
      const failures = seen.filter((e) => e.type === 'shared-store-failed');
      expect(failures).to.have.length(1);
      expect(failures[0]).to.include({ operation: 'read' });
      mode.down = false;
      await clock.tickAsync(2000);
      a.acquire().success();
      await clock.tickAsync(0);
      expect(seen.filter((e) => e.type === 'shared-store-restored')).to.have.length(1);
    });

    it('gives up on a store call after timeoutMs', async () => {
      const a = make('a', { store: flaky(memory, { down: true, hang: true }), timeoutMs: 250 });
      const seen = events(a);
      a.acquire().success();
      await clock.tickAsync(249);
      expect(seen).to.deep.equal([]);
      await clock.tickAsync(1);
      expect(seen[0]).to.include({ type: 'shared-store-failed', operation: 'read' });
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('dispose', () => {
    it('stops following the store', async () => {
      const a = make('a');
      const b = make('b');
      b.dispose();
      fail(a, 3);
      await clock.tickAsync(0);
      expect(b.state.status).to.equal('closed');
    });
  });
});
