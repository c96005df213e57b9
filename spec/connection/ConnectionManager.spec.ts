import { expect } from 'chai';
import { VirtualTimeScheduler } from 'rxjs';
import type sinon from 'sinon';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { CircuitBreakerHook, CircuitTicket, RetryBudgetHook } from '../../src/retry/hooks.js';
import { accessDenied, connectionRefused } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { useFakeManagers } from './fakeManagers.js';
import { type FakeConnection, FakeConnector, type Outcome, recordStates } from './fakes.js';
import { schedulerClock } from '../helpers/schedulerClock.js';

type Options = Partial<ConnectionManagerOptions<FakeConnection>>;

function codeOf(error: unknown): string | undefined {
  return isHoldfastError(error) ? error.code : undefined;
}

describe('ConnectionManager', () => {
  const fixture = useFakeManagers();
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = fixture.clock;
  });

  /** MySQL defaults with jitter factor 1.0: retries wait exactly 1000, 2000, 4000 ms. */
  const make = (connector: FakeConnector, options: Options = {}) =>
    fixture.make(connector, options);

  function failing(times: number, then: Outcome = 'ok'): Outcome[] {
    return [...Array.from({ length: times }, () => connectionRefused()), then];
  }

  describe('constructor', () => {
    it('starts idle and opens nothing until asked', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector);
      await clock.tickAsync(60_000);
      expect(manager.state).to.deep.equal({ status: 'idle' });
      expect(connector.calls).to.equal(0);
      expect(clock.countTimers()).to.equal(0);
    });

    it('rejects an unknown option key with a ConfigurationError naming it', () => {
      const bad = { name: 'x', connect: () => Promise.resolve(1), retires: 3 };
      expect(() => new ConnectionManager(bad))
        .to.throw()
        .that.satisfies((e: unknown) => codeOf(e) === 'ERR_HOLDFAST_CONFIG')
        .and.has.property('option', 'retires');
    });

    it('rejects malformed retry options, a missing name and a zero connectTimeoutMs', () => {
      const connect = (): Promise<number> => Promise.resolve(1);
      const cases: [object, string][] = [
        [{ name: 'x', connect, retry: { maxRetries: -1 } }, 'maxRetries'],
        [{ name: 'x', connect, retry: { baseDelayMs: 5000, maxDelayMs: 10 } }, 'maxDelayMs'],
        [{ name: '', connect }, 'name'],
        [{ name: 'x', connect: 'nope' }, 'connect'],
        [{ name: 'x', connect, connectTimeoutMs: 0 }, 'connectTimeoutMs'],
        [{ name: 'x', connect, verify: 42 }, 'verify'],
      ];
      for (const [options, option] of cases) {
        expect(() => new ConnectionManager(options as never), option)
          .to.throw()
          .with.property('option', option);
      }
    });
  });

  describe('ready()', () => {
    it('goes connecting 1, retrying 1, connecting 2, retrying 2, connecting 3, connected when connect fails twice', async () => {
      const connector = new FakeConnector(failing(2));
      const manager = make(connector);
      const recorded = recordStates(manager);
      const ready = settled(manager.ready());
      await clock.tickAsync(3000);
      expect(recorded.labels).to.deep.equal([
        'idle',
        'connecting 1',
        'retrying 1',
        'connecting 2',
        'retrying 2',
        'connecting 3',
        'connected',
      ]);
      expect(ready.value).to.equal(connector.opened[0]);
      expect(manager.state).to.deep.include({ status: 'connected', attempt: 3 });
      const retrying = recorded.states.filter((s) => s.status === 'retrying');
      expect(retrying.map((s) => [s.retry, s.delayMs])).to.deep.equal([
        [1, 1000],
        [2, 2000],
      ]);
    });

    it('makes the first attempt at once and waits exactly the backoff before each retry', async () => {
      const connector = new FakeConnector(failing(2));
      const manager = make(connector);
      void manager.ready();
      expect(connector.calls).to.equal(1);
      await clock.tickAsync(999);
      expect(connector.calls).to.equal(1);
      await clock.tickAsync(1);
      expect(connector.calls).to.equal(2);
      await clock.tickAsync(1999);
      expect(connector.calls).to.equal(2);
      await clock.tickAsync(1);
      expect(connector.calls).to.equal(3);
    });

    it('resolves at once with the same connection when connected', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector);
      const first = await manager.ready();
      expect(await manager.ready()).to.equal(first);
      expect(connector.calls).to.equal(1);
    });

    for (const maxRetries of [3, 5]) {
      it(`makes the attempts of one caller for 200 concurrent callers (connect fails four times, maxRetries ${maxRetries})`, async () => {
        async function run(callers: number) {
          const connector = new FakeConnector(failing(4));
          const manager = make(connector, { retry: { maxRetries } });
          const results = Array.from({ length: callers }, () => settled(manager.ready()));
          await clock.tickAsync(120_000);
          return { calls: connector.calls, results, connector };
        }
        const one = await run(1);
        const many = await run(200);
        expect(many.calls).to.equal(one.calls);
        expect(many.calls).to.be.at.most(maxRetries + 1);
        if (maxRetries === 3) {
          expect(many.calls).to.equal(4);
          expect(many.results.every((r) => codeOf(r.error) === 'ERR_HOLDFAST_RETRIES_EXHAUSTED')).to
            .be.true;
        } else {
          expect(many.calls).to.equal(5);
          expect(many.results.every((r) => r.value === many.connector.opened[0])).to.be.true;
        }
      });
    }

    it('fails with RetriesExhaustedError (cause = last error, attempts, target) after maxRetries', async () => {
      const errors = [1, 2, 3, 4].map((n) => connectionRefused(`refused ${n}`));
      const connector = new FakeConnector(errors);
      const manager = make(connector);
      const ready = settled(manager.ready());
      await clock.tickAsync(7000);
      expect(connector.calls).to.equal(4);
      const state = manager.state;
      if (state.status !== 'failed') throw new Error(`expected failed, got ${state.status}`);
      expect(state.error).to.be.instanceOf(RetriesExhaustedError);
      expect(state.error).to.include({ attempts: 4, target: 'mysql-main', cause: errors[3] });
      expect(ready.error).to.equal(state.error);
    });

    it('fails after one attempt with a fatal error itself as state error and rejection', async () => {
      const denied = accessDenied();
      const connector = new FakeConnector([denied]);
      const manager = make(connector);
      const recorded = recordStates(manager);
      const ready = settled(manager.ready());
      await clock.tickAsync(60_000);
      expect(connector.calls).to.equal(1);
      expect(recorded.labels).to.deep.equal(['idle', 'connecting 1', 'failed']);
      expect(manager.state).to.deep.equal({ status: 'failed', error: denied });
      expect(ready.error).to.equal(denied);
    });

    it('starts a new cycle from failed', async () => {
      const connector = new FakeConnector([accessDenied(), 'ok']);
      const manager = make(connector);
      await manager.ready().catch(() => undefined);
      expect(manager.state.status).to.equal('failed');
      const again = manager.ready();
      expect(manager.state).to.deep.equal({ status: 'connecting', attempt: 1 });
      expect(await again).to.equal(connector.opened[0]);
    });

    it('rejects one caller with AbortedError when its signal fires; the loop goes on for others', async () => {
      const connector = new FakeConnector(failing(1));
      const manager = make(connector);
      const controller = new AbortController();
      const aborted = settled(manager.ready({ signal: controller.signal }));
      const other = settled(manager.ready());
      await clock.tickAsync(10);
      controller.abort();
      await clock.tickAsync(0);
      expect(codeOf(aborted.error)).to.equal('ERR_HOLDFAST_ABORTED');
      await clock.tickAsync(1000);
      expect(other.value).to.equal(connector.opened[0]);
    });

    it('rejects with AbortedError after timeoutMs and leaves no timer of its own', async () => {
      const connector = new FakeConnector(['hang']);
      const manager = make(connector, { connectTimeoutMs: 60_000 });
      const ready = settled(manager.ready({ timeoutMs: 250 }));
      await clock.tickAsync(249);
      expect(ready.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(codeOf(ready.error)).to.equal('ERR_HOLDFAST_ABORTED');
      expect(manager.state.status).to.equal('connecting');
      expect(clock.countTimers()).to.equal(1); // the attempt's connect timeout only
    });

    it('refuses an already aborted signal or a malformed timeoutMs without starting a loop', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector);
      const aborted = settled(manager.ready({ signal: AbortSignal.abort() }));
      const malformed = settled(manager.ready({ timeoutMs: -1 }));
      await clock.tickAsync(0);
      expect(codeOf(aborted.error)).to.equal('ERR_HOLDFAST_ABORTED');
      expect(codeOf(malformed.error)).to.equal('ERR_HOLDFAST_CONFIG');
      expect(connector.calls).to.equal(0);
    });
  });

  describe('state$ and events$', () => {
    it('replays the current state to a late subscriber and completes after closed', async () => {
      const manager = make(new FakeConnector(['ok']));
      await manager.ready();
      const late = recordStates(manager);
      expect(late.labels).to.deep.equal(['connected']);
      await manager.close();
      expect(late.labels).to.deep.equal(['connected', 'closed']);
      expect(late.completed()).to.be.true;
    });

    it('never errors: a fatal failure is a state value', async () => {
      const manager = make(new FakeConnector([accessDenied()]));
      const errors: unknown[] = [];
      manager.state$.subscribe({ error: (e: unknown) => errors.push(e) });
      await manager.ready().catch(() => undefined);
      expect(manager.state.status).to.equal('failed');
      expect(errors).to.deep.equal([]);
    });

    it('emits retry-scheduled before the wait begins, each event after the state change it follows', async () => {
      const manager = make(new FakeConnector(failing(1)));
      const seen: [string, number][] = [];
      manager.events$.subscribe((event: ConnectionEvent<FakeConnection>) => {
        seen.push([
          event.type === 'state-changed' ? `state:${event.state.status}` : event.type,
          Date.now(),
        ]);
      });
      void manager.ready();
      await clock.tickAsync(1000);
      expect(seen).to.deep.equal([
        ['state:connecting', 0],
        ['attempt-started', 0],
        ['attempt-failed', 0],
        ['state:retrying', 0],
        ['retry-scheduled', 0],
        ['state:connecting', 1000],
        ['attempt-started', 1000],
        ['state:connected', 1000],
        ['connected', 1000],
      ]);
    });

    it('delivers states in order when a subscriber calls back into the manager', async () => {
      const connector = new FakeConnector([accessDenied(), 'ok']);
      const manager = make(connector);
      let again: Promise<FakeConnection> | undefined;
      manager.state$.subscribe((state) => {
        if (state.status === 'failed' && again === undefined) again = manager.ready();
      });
      const recorded = recordStates(manager);
      await manager.ready().catch(() => undefined);
      await again;
      expect(recorded.labels).to.deep.equal([
        'idle',
        'connecting 1',
        'failed',
        'connecting 1',
        'connected',
      ]);
    });
  });

  describe('verify', () => {
    it('counts a failing verify as a failed attempt and disposes that connection', async () => {
      const connector = new FakeConnector(['ok']);
      let checks = 0;
      const manager = make(connector, {
        verify: () => {
          checks += 1;
          return checks === 1 ? Promise.reject(connectionRefused()) : Promise.resolve('PONG');
        },
      });
      const recorded = recordStates(manager);
      const ready = settled(manager.ready());
      await clock.tickAsync(1000);
      expect(recorded.labels.slice(1)).to.deep.equal([
        'connecting 1',
        'retrying 1',
        'connecting 2',
        'connected',
      ]);
      expect(connector.disposed).to.deep.equal([connector.opened[0]]);
      expect(ready.value).to.equal(connector.opened[1]);
    });
  });

  describe('connect timeout', () => {
    it('aborts the attempt signal after connectTimeoutMs with a ConnectTimeoutError and retries', async () => {
      const connector = new FakeConnector(['hang', 'ok']);
      const manager = make(connector, { connectTimeoutMs: 500 });
      const ready = settled(manager.ready());
      await clock.tickAsync(500);
      expect(connector.signals[0]?.aborted).to.be.true;
      expect(connector.signals[0]?.reason).to.have.property('code', 'ERR_HOLDFAST_CONNECT_TIMEOUT');
      expect(manager.state).to.deep.include({ status: 'retrying', retry: 1 });
      await clock.tickAsync(1000);
      expect(ready.value).to.equal(connector.opened[0]);
    });

    it('disposes a connection that arrives after its attempt timed out (generation guard)', async () => {
      const connector = new FakeConnector(['manual', 'ok']);
      const manager = make(connector, { connectTimeoutMs: 500 });
      const ready = settled(manager.ready());
      await clock.tickAsync(1500);
      const current = connector.opened[0];
      expect(ready.value).to.equal(current);
      const late = connector.resolveManual();
      await clock.tickAsync(0);
      expect(late.disposed).to.be.true;
      expect(manager.state).to.deep.include({ status: 'connected', connection: current });
    });
  });

  describe('lost()', () => {
    it('moves connected to connecting and makes the first reconnect attempt at once', async () => {
      const connector = new FakeConnector(['ok', connectionRefused(), 'ok']);
      let kill: (() => void) | undefined;
      const manager = make(connector, {
        lost: () =>
          new (class {
            subscribe(observer: { next: () => void }) {
              kill = () => {
                observer.next();
              };
              return { unsubscribe: () => (kill = undefined) };
            }
          })() as never,
      });
      const first = await manager.ready();
      const recorded = recordStates(manager);
      kill?.();
      expect(manager.state).to.deep.equal({ status: 'connecting', attempt: 1 });
      expect(first.disposed).to.be.true;
      await clock.tickAsync(0);
      expect(recorded.labels).to.deep.equal(['connected', 'connecting 1', 'retrying 1']);
      await clock.tickAsync(1000);
      expect(manager.state).to.deep.include({ status: 'connected', attempt: 2 });
    });

    it('stops watching when the manager closes', async () => {
      const { Subject } = await import('rxjs');
      const dead = new Subject<void>();
      const manager = make(new FakeConnector(['ok']), { lost: () => dead });
      await manager.ready();
      expect(dead.observed).to.be.true;
      await manager.close();
      expect(dead.observed).to.be.false;
    });
  });

  describe('connectionLost()', () => {
    it('ignores a connection that is not the current one', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector);
      await manager.ready();
      manager.connectionLost({ id: 99, disposed: false });
      expect(manager.state.status).to.equal('connected');
      expect(connector.calls).to.equal(1);
    });

    it('disposes the current connection and reconnects at once', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector);
      const first = await manager.ready();
      manager.connectionLost(first, connectionRefused());
      expect(first.disposed).to.be.true;
      expect(connector.calls).to.equal(2);
      expect(await manager.ready()).to.equal(connector.opened[1]);
    });
  });

  describe('reconnect()', () => {
    it('cuts a backoff wait short', async () => {
      const connector = new FakeConnector(failing(1));
      const manager = make(connector);
      void manager.ready();
      await clock.tickAsync(0);
      expect(manager.state.status).to.equal('retrying');
      manager.reconnect();
      await clock.tickAsync(0);
      expect(connector.calls).to.equal(2);
      expect(manager.state).to.deep.include({ status: 'connected', attempt: 1 });
      expect(clock.countTimers()).to.equal(0);
    });

    it('replaces a live connection and starts from failed; does nothing while connecting', async () => {
      const connector = new FakeConnector([accessDenied(), 'ok', 'ok']);
      const manager = make(connector);
      await manager.ready().catch(() => undefined);
      manager.reconnect();
      manager.reconnect();
      expect(connector.calls).to.equal(2);
      const first = await manager.ready();
      manager.reconnect();
      expect(first.disposed).to.be.true;
      expect(await manager.ready()).to.equal(connector.opened[1]);
    });
  });

  describe('close()', () => {
    it('during a 10 s backoff resolves at once, rejects ready() with ClosedError and leaves no timer', async () => {
      const connector = new FakeConnector([connectionRefused()]);
      const manager = make(connector, { retry: { baseDelayMs: 10_000, maxDelayMs: 30_000 } });
      const ready = settled(manager.ready());
      await clock.tickAsync(0);
      expect(manager.state).to.deep.include({ status: 'retrying', delayMs: 10_000 });
      expect(clock.countTimers()).to.equal(2); // the backoff wait and the call's wait limit
      const started = Date.now();
      const closing = settled(manager.close());
      await clock.tickAsync(0);
      expect(closing.state).to.equal('resolved');
      expect(Date.now() - started).to.equal(0);
      expect(codeOf(ready.error)).to.equal('ERR_HOLDFAST_CLOSED');
      expect(clock.countTimers()).to.equal(0);
      expect(connector.calls).to.equal(1);
    });

    it('aborts the attempt in flight and disposes what it opens later (generation guard)', async () => {
      const connector = new FakeConnector(['manual']);
      const manager = make(connector);
      const ready = settled(manager.ready());
      await manager.close();
      expect(connector.signals[0]?.reason).to.satisfy(
        (e: unknown) => codeOf(e) === 'ERR_HOLDFAST_CLOSED',
      );
      const late = connector.resolveManual();
      await clock.tickAsync(0);
      expect(late.disposed).to.be.true;
      expect(codeOf(ready.error)).to.equal('ERR_HOLDFAST_CLOSED');
      expect(manager.state.status).to.equal('closed');
    });

    it('disposes the connection once, is idempotent and refuses ready() afterwards', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector);
      const connection = await manager.ready();
      const first = manager.close();
      expect(manager.close()).to.equal(first);
      await first;
      expect(connector.disposed).to.deep.equal([connection]);
      expect(codeOf(await manager.ready().catch((e: unknown) => e))).to.equal(
        'ERR_HOLDFAST_CLOSED',
      );
    });

    it('reports a throwing disconnect as an event and still resolves', async () => {
      const connector = new FakeConnector(['ok']);
      const manager = make(connector, {
        disconnect: () => {
          throw new Error('socket already gone');
        },
      });
      const events: string[] = [];
      manager.events$.subscribe((e) => events.push(e.type));
      await manager.ready();
      await manager.close();
      expect(events).to.include('callback-failed');
    });
  });

  describe('circuit breaker', () => {
    class FakeBreaker implements CircuitBreakerHook {
      open = false;
      acquired = 0;
      readonly outcomes: string[] = [];
      acquire(): CircuitTicket {
        this.acquired += 1;
        if (this.open) throw new CircuitOpenError('circuit open', { retryAfterMs: 5000 });
        return {
          success: () => this.outcomes.push('success'),
          failure: (_error, classification) => this.outcomes.push(classification.kind),
        };
      }
    }

    it('is asked before each attempt and told each outcome', async () => {
      const breaker = new FakeBreaker();
      const manager = make(new FakeConnector(failing(2)), { circuitBreaker: breaker });
      void manager.ready();
      await clock.tickAsync(3000);
      expect(breaker.acquired).to.equal(3);
      expect(breaker.outcomes).to.deep.equal(['transient', 'transient', 'success']);
    });

    it('tells the ticket of an attempt cut short by close() a fatal (uncounted) failure', async () => {
      const breaker = new FakeBreaker();
      const manager = make(new FakeConnector(['hang']), { circuitBreaker: breaker });
      const ready = manager.ready().catch((e: unknown) => e);
      await manager.close();
      expect(breaker.outcomes).to.deep.equal(['fatal']);
      expect(codeOf(await ready)).to.equal('ERR_HOLDFAST_CLOSED');
    });

    it('fails the cycle at once with CircuitOpenError when open, without connecting', async () => {
      const breaker = new FakeBreaker();
      breaker.open = true;
      const connector = new FakeConnector(['ok']);
      const manager = make(connector, { circuitBreaker: breaker });
      const error = await manager.ready().catch((e: unknown) => e);
      expect(codeOf(error)).to.equal('ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(manager.state).to.deep.equal({ status: 'failed', error });
      expect(connector.calls).to.equal(0);
      breaker.open = false;
      expect(await manager.ready()).to.equal(connector.opened[0]);
    });
  });

  describe('retry budget', () => {
    it('is asked before each retry; a refusal ends the cycle with RetriesExhaustedError', async () => {
      const asked: string[] = [];
      let successes = 0;
      const budget: RetryBudgetHook = {
        tryRetry: (kind) => (asked.push(kind), asked.length < 2),
        recordSuccess: () => (successes += 1),
      };
      const connector = new FakeConnector(failing(3));
      const manager = make(connector, { budget });
      const ready = settled(manager.ready());
      await clock.tickAsync(10_000);
      expect(asked).to.deep.equal(['transient', 'transient']);
      expect(connector.calls).to.equal(2);
      expect(ready.error).to.be.instanceOf(RetriesExhaustedError).with.property('attempts', 2);
      expect(successes).to.equal(0);
    });
  });

  describe('clock', () => {
    it('runs its waits on the given clock (an RxJS virtual-time scheduler adapted to one)', async () => {
      const scheduler = new VirtualTimeScheduler();
      const connector = new FakeConnector(failing(1));
      const manager = make(connector, { clock: schedulerClock(scheduler) });
      const ready = settled(manager.ready());
      await clock.tickAsync(0);
      expect(manager.state).to.deep.include({ status: 'retrying', delayMs: 1000 });
      await clock.tickAsync(60_000); // wall time does not move it
      expect(connector.calls).to.equal(1);
      scheduler.maxFrames = 1000; // run what is due up to virtual t = 1000 ms
      scheduler.flush();
      await clock.tickAsync(0);
      expect(scheduler.now()).to.equal(1000);
      expect(ready.value).to.equal(connector.opened[0]);
    });
  });
});
