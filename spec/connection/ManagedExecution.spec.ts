// ConnectionManager.execute(): the hot path and the recovery loop (src/connection/ManagedExecution.ts).
import { expect } from 'chai';
import type sinon from 'sinon';
import { markUnsent } from '../../src/classify/unsent.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { AttemptContext } from '../../src/retry/AttemptContext.js';
import type { CircuitTicket } from '../../src/retry/hooks.js';
import { accessDenied, codeError, replyError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { type FakeManagerOptions, useFakeManagers } from './fakeManagers.js';
import { type FakeConnection, FakeConnector, type Outcome } from './fakes.js';

const reset = (): Error => codeError('ECONNRESET', undefined, 'read ECONNRESET');
const codeOf = (error: unknown): string | undefined =>
  isHoldfastError(error) ? error.code : undefined;

describe('ManagedExecution (ConnectionManager.execute)', () => {
  const fixture = useFakeManagers();
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = fixture.clock;
  });

  function make(script: Outcome[] = ['ok'], options: FakeManagerOptions = {}) {
    const connector = new FakeConnector(script);
    return { manager: fixture.make(connector, options), connector };
  }

  /** An operation that fails with `errors` in turn, then returns the connection's id. */
  function scripted(errors: Error[]) {
    const seen: [number, number][] = [];
    const fn = (connection: FakeConnection, context: AttemptContext): Promise<number> => {
      seen.push([connection.id, context.attempt]);
      const error = errors.shift();
      return error === undefined ? Promise.resolve(connection.id) : Promise.reject(error);
    };
    return { fn, seen };
  }

  describe('when connected', () => {
    it('runs fn with the connection as attempt 1 and returns its result', async () => {
      const { manager } = make();
      await manager.ready();
      const { fn, seen } = scripted([]);
      expect(await manager.execute(fn)).to.equal(1);
      expect(seen).to.deep.equal([[1, 1]]);
    });

    it('accepts a synchronous result and a synchronous throw', async () => {
      const { manager } = make();
      await manager.ready();
      expect(await manager.execute(() => 42)).to.equal(42);
      const denied = accessDenied();
      const thrown = await manager
        .execute(() => {
          throw denied;
        })
        .catch((e: unknown) => e);
      expect(thrown).to.equal(denied);
    });
  });

  describe('when not connected', () => {
    it('waits for ready() (sharing the connect loop) and then runs fn', async () => {
      const { manager, connector } = make([reset(), 'ok']);
      const result = settled(manager.execute((c) => c.id));
      await clock.tickAsync(999);
      expect(result.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(result.value).to.equal(1);
      expect(connector.calls).to.equal(2);
    });

    it('rejects with the connect error when the loop fails fatally', async () => {
      const denied = accessDenied();
      const { manager } = make([denied]);
      expect(await manager.execute(() => 1).catch((e: unknown) => e)).to.equal(denied);
    });
  });

  describe('on error', () => {
    it('rethrows a fatal error as is after one call; the connection stays', async () => {
      const { manager } = make();
      await manager.ready();
      const denied = accessDenied();
      const { fn, seen } = scripted([denied]);
      expect(await manager.execute(fn, { idempotent: true }).catch((e: unknown) => e)).to.equal(
        denied,
      );
      expect(seen).to.have.length(1);
      expect(manager.state.status).to.equal('connected');
    });

    it('gives OutcomeUnknownError for a sent, non-idempotent request, and reconnects', async () => {
      const { manager, connector } = make();
      const first = await manager.ready();
      const error = reset();
      const { fn, seen } = scripted([error]);
      const outcome = await manager
        .execute(fn, { description: 'INSERT INTO orders' })
        .catch((e: unknown) => e);
      expect(outcome).to.be.instanceOf(OutcomeUnknownError);
      expect(outcome).to.include({ cause: error, operation: 'INSERT INTO orders' });
      expect(seen).to.have.length(1);
      expect(first.disposed).to.be.true;
      expect(connector.calls).to.equal(2);
    });

    it('retries an unsent request on the new connection after reconnecting', async () => {
      const { manager } = make();
      await manager.ready();
      const { fn, seen } = scripted([markUnsent(reset())]);
      expect(await manager.execute(fn)).to.equal(2);
      expect(seen).to.deep.equal([
        [1, 1],
        [2, 2],
      ]);
    });

    it('retries an idempotent request up to maxRetries, then RetriesExhaustedError with the last error', async () => {
      const { manager } = make();
      await manager.ready();
      const errors = [reset(), reset(), reset(), reset(), reset()];
      const last = errors[3];
      const { fn, seen } = scripted(errors);
      const result = settled(manager.execute(fn, { idempotent: true }));
      await clock.tickAsync(0);
      expect(result.error).to.be.instanceOf(RetriesExhaustedError);
      expect(result.error).to.include({ attempts: 4, cause: last, target: 'mysql-main' });
      expect(seen.map(([, attempt]) => attempt)).to.deep.equal([1, 2, 3, 4]);
    });

    it('waits the throttled backoff before retrying when the connection survived', async () => {
      const { manager } = make();
      await manager.ready();
      const { fn, seen } = scripted([replyError('LOADING Redis is loading the dataset')]);
      const result = settled(manager.execute(fn, { idempotent: true }));
      await clock.tickAsync(1999);
      expect(seen).to.have.length(1);
      await clock.tickAsync(1);
      expect(result.value).to.equal(1);
      expect(manager.state).to.deep.include({ status: 'connected', attempt: 1 });
    });

    it('ends a backoff wait at once with ClosedError when the manager closes', async () => {
      const { manager } = make();
      await manager.ready();
      const { fn } = scripted([replyError('BUSY script running')]);
      const result = settled(manager.execute(fn, { idempotent: true }));
      await clock.tickAsync(10);
      expect(clock.countTimers()).to.equal(1);
      await manager.close();
      await clock.tickAsync(0);
      expect(codeOf(result.error)).to.equal('ERR_HOLDFAST_CLOSED');
      expect(clock.countTimers()).to.equal(0);
    });

    it('ends a backoff wait with AbortedError when the signal fires', async () => {
      const { manager } = make();
      await manager.ready();
      const controller = new AbortController();
      const { fn } = scripted([replyError('BUSY script running')]);
      const result = settled(manager.execute(fn, { idempotent: true, signal: controller.signal }));
      await clock.tickAsync(10);
      controller.abort();
      await clock.tickAsync(0);
      expect(codeOf(result.error)).to.equal('ERR_HOLDFAST_ABORTED');
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('mapError', () => {
    /** A driver error the classifier does not know, which `mapError` turns into an unsent reset. */
    const raw = (): Error => new Error('raw driver error');
    function mapping() {
      const calls: [unknown, number, string][] = [];
      const mapError = (error: unknown, connection: FakeConnection, description: string) => {
        calls.push([error, connection.id, description]);
        return markUnsent(reset());
      };
      return { calls, mapError };
    }

    for (const connected of [true, false]) {
      it(`maps each failed attempt once, with its connection and description, before it is classified (${connected ? 'connected' : 'waiting for the connection'})`, async () => {
        const { calls, mapError } = mapping();
        const { manager } = make(['ok'], { mapError });
        if (connected) await manager.ready();
        const first = raw();
        const second = raw();
        const { fn, seen } = scripted([first, second]);
        const result = settled(manager.execute(fn, { description: 'save' }));
        await clock.tickAsync(0);
        // Retried, although not idempotent: the classifier saw the mapped (unsent) errors.
        expect(result.value).to.equal(3);
        expect(seen).to.deep.equal([
          [1, 1],
          [2, 2],
          [3, 3],
        ]);
        expect(calls).to.deep.equal([
          [first, 1, 'save'],
          [second, 2, 'save'],
        ]);
      });
    }

    it('maps a synchronous throw, and the caller gets the mapped error', async () => {
      const denied = accessDenied();
      const calls: unknown[] = [];
      const { manager } = make(['ok'], {
        mapError: (error) => {
          calls.push(error);
          return denied;
        },
      });
      await manager.ready();
      const thrown = raw();
      const error = await manager
        .execute(() => {
          throw thrown;
        })
        .catch((e: unknown) => e);
      expect(error).to.equal(denied);
      expect(calls).to.deep.equal([thrown]);
    });

    it('names an operation without a description "operation"', async () => {
      const { calls, mapError } = mapping();
      const { manager } = make(['ok'], { mapError });
      await manager.ready();
      const { fn } = scripted([raw()]);
      await manager.execute(fn);
      expect(calls.map(([, , description]) => description)).to.deep.equal(['operation']);
    });

    it('is not asked on success, nor about a breaker’s refusal', async () => {
      const { calls, mapError } = mapping();
      let open = false;
      const breaker = {
        acquire: (): CircuitTicket => {
          if (open) throw new CircuitOpenError('open', { retryAfterMs: 1000 });
          return { success: () => undefined, failure: () => undefined };
        },
      };
      const { manager } = make(['ok'], { mapError, circuitBreaker: breaker });
      await manager.ready();
      expect(await manager.execute(() => Promise.resolve('fine'))).to.equal('fine');
      expect(await manager.execute(() => 'sync')).to.equal('sync');
      open = true;
      let runs = 0;
      const refused = await manager
        .execute(() => (runs += 1), { idempotent: true })
        .catch((e: unknown) => e);
      expect(codeOf(refused)).to.equal('ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(runs).to.equal(0);
      expect(calls).to.deep.equal([]);
    });

    it('makes what a throwing mapError threw the attempt’s error', async () => {
      const denied = accessDenied();
      const { manager } = make(['ok'], {
        mapError: () => {
          throw denied;
        },
      });
      await manager.ready();
      const { fn, seen } = scripted([raw()]);
      expect(await manager.execute(fn, { idempotent: true }).catch((e: unknown) => e)).to.equal(
        denied,
      );
      expect(seen).to.have.length(1);
    });
  });

  describe('with a circuit breaker and a budget', () => {
    function hooks() {
      const log: string[] = [];
      let open = false;
      const breaker = {
        acquire: (): CircuitTicket => {
          log.push('acquire');
          if (open) throw new CircuitOpenError('open', { retryAfterMs: 1000 });
          return {
            success: () => log.push('success'),
            failure: (_e: unknown, c: { kind: string }) => log.push(`failure:${c.kind}`),
          };
        },
      };
      const budget = {
        tryRetry: (kind: string) => (log.push(`try:${kind}`), true),
        recordSuccess: () => log.push('recordSuccess'),
      };
      return { log, breaker, budget, setOpen: (value: boolean) => (open = value) };
    }

    it('acquires before each call and reports each outcome', async () => {
      const h = hooks();
      const { manager } = make(['ok'], { circuitBreaker: h.breaker, budget: h.budget });
      await manager.ready();
      h.log.length = 0;
      const { fn } = scripted([markUnsent(reset())]);
      expect(await manager.execute(fn)).to.equal(2);
      expect(h.log).to.deep.equal([
        'acquire',
        'failure:transient',
        'acquire', // the reconnect attempt, started as soon as the loss is known
        'try:transient',
        'success',
        'recordSuccess',
        'acquire',
        'success',
        'recordSuccess',
      ]);
    });

    it('tells a budget without a breaker of each success, synchronous or not, and of no failure', async () => {
      const h = hooks();
      const { manager } = make(['ok'], { budget: h.budget });
      await manager.ready();
      h.log.length = 0;
      await manager.execute(() => Promise.resolve(1));
      await manager.execute(() => 2);
      await manager.execute(() => Promise.reject(accessDenied())).catch(() => undefined);
      expect(h.log).to.deep.equal(['recordSuccess', 'recordSuccess']);
    });

    it('rejects with CircuitOpenError without calling fn when the breaker is open', async () => {
      const h = hooks();
      const { manager } = make(['ok'], { circuitBreaker: h.breaker });
      await manager.ready();
      h.setOpen(true);
      let calls = 0;
      const error = await manager
        .execute(() => (calls += 1), { idempotent: true })
        .catch((e: unknown) => e);
      expect(codeOf(error)).to.equal('ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(calls).to.equal(0);
    });
  });
});
