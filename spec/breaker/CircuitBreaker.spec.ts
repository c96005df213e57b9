import { expect } from 'chai';
import sinon from 'sinon';
import type { CircuitEvent } from '../../src/breaker/CircuitEvent.js';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import type { CircuitBreakerOptions } from '../../src/breaker/CircuitBreakerOptions.js';
import type { CircuitState, CircuitStatus } from '../../src/breaker/CircuitState.js';
import { ConsecutiveFailures } from '../../src/breaker/ConsecutiveFailures.js';
import { FailureRatio } from '../../src/breaker/FailureRatio.js';
import { fatal, throttled, transient } from '../../src/classify/Classification.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import type { Clock } from '../../src/internal/Clock.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { accessDenied, connectionRefused, errnoError } from '../helpers/fakeErrors.js';

const down = transient('network: ECONNREFUSED');
const busy = throttled('mysql: too many connections');
const denied = fatal('auth');

/** Reports `n` outcomes through acquired tickets. */
function fail(breaker: CircuitBreaker, n = 1, classification = down): void {
  for (let i = 0; i < n; i++) breaker.acquire().failure(new Error('x'), classification);
}

function rejection(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function statuses(breaker: CircuitBreaker): CircuitStatus[] {
  const seen: CircuitStatus[] = [];
  breaker.state$.subscribe((state) => seen.push(state.status));
  return seen;
}

function events(breaker: CircuitBreaker): CircuitEvent[] {
  const seen: CircuitEvent[] = [];
  breaker.events$.subscribe((event) => seen.push(event));
  return seen;
}

describe('CircuitBreaker', () => {
  let clock: sinon.SinonFakeTimers;
  let breakers: CircuitBreaker[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    breakers = [];
  });
  afterEach(() => {
    for (const breaker of breakers) breaker.dispose();
    clock.restore();
  });

  function make(options: CircuitBreakerOptions = {}): CircuitBreaker {
    const breaker = new CircuitBreaker({
      name: 'mysql-main',
      trip: new ConsecutiveFailures({ threshold: 3 }),
      breakDurationMs: 1000,
      ...options,
    });
    breakers.push(breaker);
    return breaker;
  }

  describe('closed', () => {
    it('reads no clock for calls under a count policy (ConsecutiveFailures, no slowCallMs)', () => {
      let reads = 0;
      const counting: Clock = {
        now: () => {
          reads += 1;
          return Date.now();
        },
        setTimeout: (callback, ms) => setTimeout(callback, ms),
        clearTimeout: (handle) => {
          clearTimeout(handle as ReturnType<typeof setTimeout>);
        },
      };
      const breaker = make({ clock: counting });
      reads = 0;
      for (let i = 0; i < 5; i++) breaker.acquire().success();
      breaker.acquire().failure(connectionRefused(), down);
      expect(reads).to.equal(0);
      const timed = make({ clock: counting, trip: new FailureRatio({ threshold: 0.5 }) });
      reads = 0;
      timed.acquire().success();
      expect(reads, 'a time-bucketed policy reads the time of each outcome').to.equal(1);
    });

    it('starts closed and replays the current state to each new subscriber', () => {
      const breaker = make();
      expect(breaker.state).to.deep.equal({ status: 'closed' });
      fail(breaker, 3);
      expect(statuses(breaker)).to.deep.equal(['open']);
    });

    it('opens after the threshold of consecutive transient failures', () => {
      const breaker = make();
      const seen = statuses(breaker);
      fail(breaker, 2);
      expect(breaker.state.status).to.equal('closed');
      fail(breaker);
      expect(seen).to.deep.equal(['closed', 'open']);
      expect(breaker.state).to.include({
        status: 'open',
        reason: 'consecutive-failures',
        breakDurationMs: 1000,
        source: 'local',
        openedAt: 1_000_000,
        halfOpenAt: 1_001_000,
      });
    });

    it('counts throttled errors as failures', () => {
      const breaker = make();
      fail(breaker, 3, busy);
      expect(breaker.state.status).to.equal('open');
    });

    it('ignores fatal errors', () => {
      const breaker = make();
      fail(breaker, 10, denied);
      expect(breaker.state.status).to.equal('closed');
    });

    it('starts the consecutive count again after a success', () => {
      const breaker = make();
      fail(breaker, 2);
      breaker.acquire().success();
      fail(breaker, 2);
      expect(breaker.state.status).to.equal('closed');
      fail(breaker);
      expect(breaker.state.status).to.equal('open');
    });

    it('counts a ticket once however often it is reported', () => {
      const breaker = make();
      const ticket = breaker.acquire();
      for (let i = 0; i < 5; i++) ticket.failure(new Error('x'), down);
      ticket.success();
      fail(breaker, 1);
      expect(breaker.state.status).to.equal('closed');
    });

    it('trips on the failure ratio over the window once the minimum throughput is reached', () => {
      const breaker = make({
        trip: new FailureRatio({ threshold: 0.5, windowMs: 10_000, minThroughput: 6 }),
      });
      for (let i = 0; i < 3; i++) breaker.acquire().success();
      fail(breaker, 2);
      expect(breaker.state.status, '5 calls: below the minimum throughput').to.equal('closed');
      fail(breaker, 1);
      expect(breaker.state).to.include({ status: 'open', reason: 'failure-ratio' });
    });

    it('forgets outcomes that slid out of the ratio window', async () => {
      const breaker = make({
        trip: new FailureRatio({ threshold: 0.5, windowMs: 10_000, minThroughput: 4 }),
      });
      fail(breaker, 3);
      await clock.tickAsync(10_000);
      fail(breaker, 1);
      expect(breaker.state.status, 'the old failures no longer count').to.equal('closed');
    });
  });

  describe('slow calls', () => {
    it('counts a success slower than slowCallMs as a failure', async () => {
      const breaker = make({ slowCallMs: 200 });
      for (let i = 0; i < 3; i++) {
        const ticket = breaker.acquire();
        await clock.tickAsync(201);
        ticket.success();
      }
      expect(breaker.state.status).to.equal('open');
    });

    it('counts a success within slowCallMs as a success', async () => {
      const breaker = make({ slowCallMs: 200 });
      fail(breaker, 2);
      const ticket = breaker.acquire();
      await clock.tickAsync(200);
      ticket.success();
      fail(breaker, 2);
      expect(breaker.state.status).to.equal('closed');
    });

    it('reopens when a half-open probe is slow', async () => {
      const breaker = make({ slowCallMs: 200 });
      fail(breaker, 3);
      await clock.tickAsync(1000);
      const probe = breaker.acquire();
      await clock.tickAsync(500);
      probe.success();
      expect(breaker.state).to.include({ status: 'open', reason: 'probe-failed' });
    });
  });

  describe('open', () => {
    it('refuses calls with CircuitOpenError carrying retryAfterMs', async () => {
      const breaker = make();
      fail(breaker, 3);
      await clock.tickAsync(300);
      const error = rejection(() => breaker.acquire());
      expect(isHoldfastError(error) && error.code).to.equal('ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(error).to.have.property('retryAfterMs', 700);
    });

    it('turns half-open when the break ends, with no caller', async () => {
      const breaker = make();
      const seen = statuses(breaker);
      fail(breaker, 3);
      await clock.tickAsync(999);
      expect(breaker.state.status).to.equal('open');
      await clock.tickAsync(1);
      expect(seen).to.deep.equal(['closed', 'open', 'half-open']);
      expect(breaker.state).to.deep.equal({ status: 'half-open', probes: 1 });
    });

    it('reports opened, half-opened and call-rejected events', async () => {
      const breaker = make();
      const seen = events(breaker);
      fail(breaker, 3);
      rejection(() => breaker.acquire());
      await clock.tickAsync(1000);
      expect(seen).to.deep.equal([
        { type: 'opened', reason: 'consecutive-failures', breakDurationMs: 1000, source: 'local' },
        { type: 'call-rejected', status: 'open', retryAfterMs: 1000 },
        { type: 'half-opened' },
      ]);
    });

    it('lets a probe through when the timer is late', () => {
      const slow: Clock = {
        now: () => Date.now(),
        setTimeout: () => 0,
        clearTimeout: () => undefined,
      };
      const breaker = make({ clock: slow });
      fail(breaker, 3);
      clock.setSystemTime(Date.now() + 1000);
      expect(() => breaker.acquire()).not.to.throw();
      expect(breaker.state.status).to.equal('half-open');
    });

    it('ignores the late outcome of a call admitted before it opened', async () => {
      const breaker = make();
      const early = breaker.acquire();
      fail(breaker, 3);
      await clock.tickAsync(1000);
      early.failure(connectionRefused(), down);
      expect(breaker.state.status, 'not a failed probe').to.equal('half-open');
      breaker.acquire().success();
      expect(breaker.state.status).to.equal('closed');
    });

    it('unrefs its timer so that it never keeps the process alive', () => {
      const unref = sinon.spy();
      const refClock: Clock = {
        now: () => Date.now(),
        setTimeout: () => ({ unref }),
        clearTimeout: () => undefined,
      };
      fail(make({ clock: refClock }), 3);
      expect(unref.calledOnce).to.equal(true);
    });
  });

  describe('half-open', () => {
    async function halfOpen(options: CircuitBreakerOptions = {}): Promise<CircuitBreaker> {
      const breaker = make(options);
      fail(breaker, 3);
      await clock.tickAsync(1000);
      expect(breaker.state.status).to.equal('half-open');
      return breaker;
    }

    it('admits halfOpenProbes concurrent probes and refuses the next with retryAfterMs 0', async () => {
      const breaker = await halfOpen({ halfOpenProbes: 2 });
      breaker.acquire();
      breaker.acquire();
      const error = rejection(() => breaker.acquire());
      expect(error).to.have.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(error).to.have.property('retryAfterMs', 0);
    });

    it('closes on a probe success', async () => {
      const breaker = await halfOpen();
      const seen = events(breaker);
      breaker.acquire().success();
      expect(breaker.state.status).to.equal('closed');
      expect(seen).to.deep.equal([{ type: 'closed', source: 'local' }]);
    });

    it('reopens on a probe failure', async () => {
      const breaker = await halfOpen();
      fail(breaker, 1);
      expect(breaker.state).to.include({ status: 'open', reason: 'probe-failed' });
    });

    it('frees the slot of a probe that failed fatally, without a transition', async () => {
      const breaker = await halfOpen();
      fail(breaker, 1, denied);
      expect(breaker.state.status).to.equal('half-open');
      breaker.acquire().success();
      expect(breaker.state.status).to.equal('closed');
    });

    it('ignores a second probe finishing after the first one closed the circuit', async () => {
      const breaker = await halfOpen({ halfOpenProbes: 2 });
      const first = breaker.acquire();
      const second = breaker.acquire();
      first.success();
      second.failure(connectionRefused(), down);
      expect(breaker.state.status).to.equal('closed');
    });
  });

  describe('break duration', () => {
    it('grows by breakDurationFactor after each failed probe, up to maxBreakDurationMs', async () => {
      const breaker = make({ breakDurationFactor: 3, maxBreakDurationMs: 5000 });
      fail(breaker, 3);
      const durations: number[] = [];
      for (let i = 0; i < 4; i++) {
        const state = breaker.state as Extract<CircuitState, { status: 'open' }>;
        durations.push(state.breakDurationMs);
        await clock.tickAsync(state.breakDurationMs);
        fail(breaker, 1);
      }
      expect(durations).to.deep.equal([1000, 3000, 5000, 5000]);
    });

    it('starts from breakDurationMs again after the circuit closed', async () => {
      const breaker = make();
      fail(breaker, 3);
      await clock.tickAsync(1000);
      fail(breaker, 1);
      await clock.tickAsync(2000);
      breaker.acquire().success();
      fail(breaker, 3);
      expect(breaker.state).to.include({ breakDurationMs: 1000 });
    });
  });

  describe('isolate', () => {
    it('refuses every call with retryAfterMs Infinity, however long it waits', async () => {
      const breaker = make();
      const seen = events(breaker);
      breaker.isolate();
      await clock.tickAsync(3_600_000);
      const error = rejection(() => breaker.acquire());
      expect(error).to.have.property('retryAfterMs', Number.POSITIVE_INFINITY);
      expect(breaker.state).to.deep.equal({ status: 'isolated', source: 'local' });
      expect(seen[0]).to.deep.equal({ type: 'isolated', source: 'local' });
    });

    it('cancels the half-open timer of an open circuit', async () => {
      const breaker = make();
      fail(breaker, 3);
      breaker.isolate();
      expect(clock.countTimers()).to.equal(0);
      await clock.tickAsync(5000);
      expect(breaker.state.status).to.equal('isolated');
    });
  });

  describe('reset', () => {
    it('closes an isolated circuit', () => {
      const breaker = make();
      const seen = statuses(breaker);
      breaker.isolate();
      breaker.reset();
      expect(seen).to.deep.equal(['closed', 'isolated', 'closed']);
    });

    it('closes an open circuit, forgets the counts and the break growth', async () => {
      const breaker = make();
      fail(breaker, 3);
      await clock.tickAsync(1000);
      fail(breaker, 1);
      breaker.reset();
      expect(clock.countTimers()).to.equal(0);
      fail(breaker, 2);
      expect(breaker.state.status).to.equal('closed');
      fail(breaker, 1);
      expect(breaker.state).to.include({ breakDurationMs: 1000 });
    });
  });

  describe('execute', () => {
    it('returns the value and passes the signal on', async () => {
      const breaker = make();
      const controller = new AbortController();
      const value = await breaker.execute(
        (signal) => (signal === controller.signal ? 42 : 0),
        controller.signal,
      );
      expect(value).to.equal(42);
    });

    it('rethrows a failure and counts it when the classifier calls it retryable', async () => {
      const breaker = make();
      for (let i = 0; i < 3; i++) {
        const error = await breaker
          .execute(() => Promise.reject(connectionRefused()))
          .catch((e: unknown) => e);
        expect(error).to.have.property('code', 'ECONNREFUSED');
      }
      expect(breaker.state.status).to.equal('open');
    });

    it('counts MySQL 1040 (throttled) and ignores an access-denied error (fatal)', async () => {
      const breaker = make();
      for (let i = 0; i < 5; i++)
        await breaker.execute(() => Promise.reject(accessDenied())).catch(() => undefined);
      expect(breaker.state.status).to.equal('closed');
      for (let i = 0; i < 3; i++)
        await breaker.execute(() => Promise.reject(errnoError(1040))).catch(() => undefined);
      expect(breaker.state.status).to.equal('open');
    });

    it('refuses without calling fn while open', async () => {
      const breaker = make();
      fail(breaker, 3);
      const fn = sinon.spy(() => 1);
      const error = await breaker.execute(fn).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(fn.called).to.equal(false);
    });

    it('rejects with AbortedError when the signal fired before the call', async () => {
      const breaker = make();
      const controller = new AbortController();
      controller.abort();
      const error = await breaker.execute(() => 1, controller.signal).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'ERR_HOLDFAST_ABORTED');
    });

    it('does not count a failure that follows the caller aborting', async () => {
      const breaker = make();
      for (let i = 0; i < 3; i++) {
        const controller = new AbortController();
        await breaker
          .execute(() => {
            controller.abort();
            return Promise.reject(connectionRefused());
          }, controller.signal)
          .catch(() => undefined);
      }
      expect(breaker.state.status).to.equal('closed');
    });
  });

  describe('as the RetryHandler hook', () => {
    it('ends the retry loop with its CircuitOpenError once it opens', async () => {
      const breaker = make();
      const handler = new RetryHandler({
        circuitBreaker: breaker,
        maxRetries: 5,
        baseDelayMs: 10,
        jitter: 'none',
      });
      const fn = sinon.spy(() => Promise.reject(connectionRefused()));
      const outcome = handler.execute(fn).catch((e: unknown) => e);
      await clock.tickAsync(1000);
      const error = await outcome;
      expect(error).to.have.property('code', 'ERR_HOLDFAST_CIRCUIT_OPEN');
      expect(fn.callCount).to.equal(3);
    });
  });

  describe('dispose', () => {
    it('clears the timer and completes state$ and events$', () => {
      const breaker = make();
      let completed = 0;
      breaker.state$.subscribe({ complete: () => (completed += 1) });
      breaker.events$.subscribe({ complete: () => (completed += 1) });
      fail(breaker, 3);
      expect(clock.countTimers()).to.equal(1);
      breaker.dispose();
      expect(clock.countTimers()).to.equal(0);
      expect(completed).to.equal(2);
    });
  });

  describe('options', () => {
    const bad: [string, CircuitBreakerOptions][] = [
      ['breakDurationMs', { breakDurationMs: 0 }],
      ['maxBreakDurationMs', { breakDurationMs: 2000, maxBreakDurationMs: 1000 }],
      ['breakDurationFactor', { breakDurationFactor: 0.5 }],
      ['halfOpenProbes', { halfOpenProbes: 1.5 }],
      ['slowCallMs', { slowCallMs: -1 }],
      ['breakDurationz', { breakDurationz: 1 } as CircuitBreakerOptions],
    ];
    for (const [option, options] of bad) {
      it(`rejects a bad ${option} with ConfigurationError naming it`, () => {
        const error = rejection(() => new CircuitBreaker(options));
        expect(error).to.include({ code: 'ERR_HOLDFAST_CONFIG', option });
      });
    }
  });
});
