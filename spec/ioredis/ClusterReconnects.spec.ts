// ClusterReconnects in fake time: ioredis's Cluster is played by the spec, which calls
// `delayFor` (its clusterRetryStrategy) and `onStatus` (its status events) in the order ioredis
// does; no socket is opened.
import { expect } from 'chai';
import sinon from 'sinon';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import { StatePublisher } from '../../src/connection/StatePublisher.js';
import { waitForOutcome } from '../../src/connection/waitForOutcome.js';
import type { ClusterLink } from '../../src/ioredis/ClusterLink.js';
import { ClusterReconnects } from '../../src/ioredis/ClusterReconnects.js';
import { resolveRedisClusterOptions } from '../../src/ioredis/resolveRedisClusterOptions.js';
import type { RetryOptions } from '../../src/retry/RetryOptions.js';
import type { RetryBudgetHook } from '../../src/retry/hooks.js';

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

interface Fixture {
  readonly reconnects: ClusterReconnects;
  readonly publisher: StatePublisher<ClusterLink>;
  readonly states: ConnectionState<ClusterLink>[];
  readonly events: ConnectionEvent<ClusterLink>[];
  restarts: number;
  closed: boolean;
}

function fixture(retry: RetryOptions, budget?: RetryBudgetHook): Fixture {
  const resolved = resolveRedisClusterOptions(
    {
      targetName: 'cluster-spec',
      retry: { jitter: 'none', ...retry },
      env: {},
      ...(budget !== undefined && { budget }),
    },
    '127.0.0.1:7000',
  );
  const reconnects = new ClusterReconnects(resolved);
  const publisher = new StatePublisher<ClusterLink>('cluster-spec', () => undefined);
  const f: Fixture = { reconnects, publisher, states: [], events: [], restarts: 0, closed: false };
  publisher.state$.subscribe((state) => f.states.push(state));
  publisher.events$.subscribe((event) => {
    if (event.type !== 'state-changed') f.events.push(event);
  });
  reconnects.attach(
    publisher,
    () => f.closed,
    () => {
      f.restarts += 1;
    },
  );
  return f;
}

/** One failed connect attempt, as ioredis reports it: the strategy asked, then `reconnecting`. */
function failAttempt(f: Fixture): number | null {
  const delay = f.reconnects.delayFor(1, refused());
  if (delay === null) f.reconnects.onStatus('end');
  else f.reconnects.onStatus('reconnecting');
  return delay;
}

const statuses = (f: Fixture): string[] => f.states.map((s) => s.status);

describe('ClusterReconnects', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  describe('a cycle', () => {
    it('waits the policy backoff between attempts and ends connected', () => {
      const f = fixture({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 });
      f.reconnects.onStatus('connecting');
      expect(failAttempt(f)).to.equal(100);
      f.reconnects.onStatus('connecting');
      expect(failAttempt(f)).to.equal(200);
      f.reconnects.onStatus('connecting');
      f.reconnects.onStatus('ready');
      expect(statuses(f)).to.deep.equal([
        'idle',
        'connecting',
        'retrying',
        'connecting',
        'retrying',
        'connecting',
        'connected',
      ]);
      expect(f.states[2]).to.include({ retry: 1, delayMs: 100 });
      expect(f.states[6]).to.deep.include({ attempt: 3, connection: { epoch: 1 } });
    });

    it('gives up after maxRetries + 1 attempts: failed with RetriesExhaustedError, gave-up', () => {
      const f = fixture({ maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 });
      for (let i = 0; i < 3; i++) {
        f.reconnects.onStatus('connecting');
        failAttempt(f);
      }
      const last = f.states.at(-1);
      expect(last?.status).to.equal('failed');
      expect(last).to.have.nested.property('error.code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(last).to.have.nested.property('error.attempts', 3);
      expect(f.reconnects.stopError).to.equal((last as { error: Error }).error);
      expect(f.events.map((e) => e.type)).to.deep.equal(['gave-up']);
    });

    it('stops at maxElapsedMs, measured on the clock from the cycle start', async () => {
      const f = fixture({ maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 250 });
      f.reconnects.onStatus('connecting');
      expect(failAttempt(f)).to.equal(100);
      await clock.tickAsync(300);
      f.reconnects.onStatus('connecting');
      expect(failAttempt(f)).to.equal(null);
      expect(f.reconnects.restartable, 'a deadline is not restarted').to.equal(false);
    });

    it('counts attempts afresh in the next cycle (a new ready() after failed)', () => {
      const f = fixture({ maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000 });
      f.reconnects.onStatus('connecting');
      failAttempt(f);
      f.reconnects.onStatus('connecting');
      expect(f.states.at(-1)).to.deep.equal({ status: 'connecting', attempt: 1 });
      expect(f.reconnects.stopError).to.equal(undefined);
    });
  });

  describe('a connection lost while connected', () => {
    it('reconnects at once (delay 0) and reports connection-lost', () => {
      const f = fixture({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 });
      f.reconnects.onStatus('connecting');
      f.reconnects.onStatus('ready');
      const error = refused();
      expect(f.reconnects.delayFor(1, error)).to.equal(0);
      f.reconnects.onStatus('reconnecting');
      f.reconnects.onStatus('connecting');
      f.reconnects.onStatus('ready');
      expect(statuses(f)).to.deep.equal([
        'idle',
        'connecting',
        'connected',
        'connecting',
        'connected',
      ]);
      expect(f.events).to.deep.equal([{ type: 'connection-lost', error }]);
      expect(f.states.at(-1)).to.deep.include({ connection: { epoch: 2 }, attempt: 1 });
    });
  });

  describe('calls still waiting when a cycle gives up (ADR 0017, 0019)', () => {
    /** A `ready()` call, as RedisCluster.ready() waits. */
    function waitReady(f: Fixture, waitLimitMs: number): Promise<ClusterLink> {
      return waitForOutcome({
        name: 'cluster-spec',
        state: f.publisher.state,
        waiters: f.publisher.waiters,
        clock: { now: () => Date.now(), setTimeout, clearTimeout },
        closedError: () => new Error('closed'),
        waitLimitMs,
        mayRestart: () => f.reconnects.restartable,
      });
    }

    it('start the next cycle after the base delay, and the call succeeds in it', async () => {
      const f = fixture({ maxRetries: 1, baseDelayMs: 100, maxDelayMs: 1000 });
      f.reconnects.onStatus('connecting');
      const ready = waitReady(f, 5_000);
      failAttempt(f);
      f.reconnects.onStatus('connecting');
      failAttempt(f);
      expect(f.states.at(-1)?.status).to.equal('failed');
      expect(f.events.at(-1)).to.deep.equal({
        type: 'restart-scheduled',
        delayMs: 100,
        waiting: 1,
      });
      await clock.tickAsync(99);
      expect(f.restarts).to.equal(0);
      await clock.tickAsync(1);
      expect(f.restarts).to.equal(1);
      f.reconnects.onStatus('connecting');
      f.reconnects.onStatus('ready');
      expect(await ready).to.deep.equal({ epoch: 1 });
    });

    it('restart nothing when no call waits', async () => {
      const f = fixture({ maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000 });
      f.reconnects.onStatus('connecting');
      failAttempt(f);
      await clock.tickAsync(1_000);
      expect(f.restarts).to.equal(0);
      expect(f.events.map((e) => e.type)).to.deep.equal(['gave-up']);
    });

    it('fail a call that saw the whole cycle when it gives up, and restart nothing (ADR 0019)', async () => {
      const f = fixture({ maxRetries: 1, baseDelayMs: 100, maxDelayMs: 1000 });
      const ready = waitReady(f, 5_000).catch((e: unknown) => e);
      f.reconnects.onStatus('connecting');
      failAttempt(f);
      f.reconnects.onStatus('connecting');
      failAttempt(f);
      expect(await ready).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
      await clock.tickAsync(1_000);
      expect(f.restarts).to.equal(0);
    });

    it('give a call past its limit an attempt of its own before failing it (ADR 0019)', async () => {
      const f = fixture({ maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000 });
      f.reconnects.onStatus('connecting');
      let settled: unknown;
      void waitReady(f, 50).catch((e: unknown) => (settled = e));
      await clock.tickAsync(60);
      failAttempt(f); // begun before the call arrived: does not count for it
      await clock.tickAsync(100);
      expect(settled).to.equal(undefined);
      expect(f.restarts).to.equal(1);
      f.reconnects.onStatus('connecting');
      failAttempt(f);
      await clock.tickAsync(0);
      expect(settled).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
    });

    it('are not restarted for after a budget refusal', async () => {
      const f = fixture(
        { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        {
          tryRetry: () => false,
          recordSuccess: () => undefined,
        },
      );
      f.reconnects.onStatus('connecting');
      const ready = waitReady(f, 5_000).catch((e: unknown) => e);
      expect(failAttempt(f)).to.equal(null);
      expect(f.reconnects.restartable).to.equal(false);
      expect(await ready).to.have.property('code');
      await clock.tickAsync(1_000);
      expect(f.restarts).to.equal(0);
    });

    it('are not restarted for once a cycle started sooner or the cluster closed', async () => {
      for (const interrupt of ['cycle', 'close'] as const) {
        const f = fixture({ maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000 });
        f.reconnects.onStatus('connecting');
        const ready = waitReady(f, 5_000).catch(() => undefined);
        failAttempt(f);
        if (interrupt === 'cycle') {
          f.reconnects.onStatus('connecting');
        } else {
          f.closed = true;
          f.reconnects.close();
        }
        await clock.tickAsync(1_000);
        expect(f.restarts, interrupt).to.equal(0);
        if (interrupt === 'cycle') f.reconnects.onStatus('ready');
        await ready;
      }
    });
  });

  describe('close', () => {
    it('answers null to ioredis, publishes closed and completes the streams', () => {
      const f = fixture({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 });
      let completed = false;
      f.publisher.state$.subscribe({ complete: () => (completed = true) });
      f.reconnects.onStatus('connecting');
      f.reconnects.onStatus('ready');
      f.closed = true;
      expect(f.reconnects.delayFor(1, refused())).to.equal(null);
      f.reconnects.onStatus('end');
      expect(f.states.at(-1)).to.deep.equal({ status: 'closed' });
      expect(completed).to.equal(true);
    });
  });
});
