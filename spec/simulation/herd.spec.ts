// The herd: 200 callers against a target that is down for the first 3 s, then up. No sockets,
// fake time, seeded jitter, so every number printed here is reproducible (and quoted in
// docs/concepts/circuit-breaker-and-budget.md). Open-loop load: each caller starts one
// operation per second whatever happened to the last, as requests from users keep arriving.
import { expect } from 'chai';
import sinon from 'sinon';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import { RetryBudget } from '../../src/budget/RetryBudget.js';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { Random } from '../../src/internal/Random.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import { errnoError } from '../helpers/fakeErrors.js';

const callers = 200;
const outageMs = 3000;
const loadMs = 8000;
const periodMs = 1000;
/** Long enough for every operation started under load to finish its retries. */
const drainMs = 30_000;

/** A seeded PRNG (mulberry32): the same jitter on every run. */
function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
}

/** The target: refuses (after 1 ms) until `upAt`, answers (after 2 ms) from then on. */
class Target {
  readonly attempts: number[] = [];
  readonly #failure: () => Error;
  constructor(
    readonly upAt: number,
    failure: () => Error = refused,
  ) {
    this.#failure = failure;
  }
  call(): Promise<string> {
    const now = Date.now();
    this.attempts.push(now);
    const up = now >= this.upAt;
    return new Promise((resolve, reject) => {
      setTimeout(
        () => {
          if (up) resolve('ok');
          else reject(this.#failure());
        },
        up ? 2 : 1,
      );
    });
  }
}

interface Op {
  readonly start: number;
  end: number;
  ok: boolean;
}

interface Numbers {
  readonly scenario: string;
  readonly operations: number;
  readonly failed: number;
  readonly attempts: number;
  readonly attemptsDuringOutage: number;
  readonly retries: number;
  /** Operations the circuit breaker refused before any attempt. */
  readonly refused: number;
  readonly amplification: string;
  readonly firstSuccessAfterUpMs: number;
  readonly backlogClearedAfterUpMs: number;
  readonly savedByRetry: number;
}

/** Starts one operation per caller per second (phases spread over the second) under load. */
function openLoop(random: Random, start: (op: Op) => Promise<unknown>): Op[] {
  const ops: Op[] = [];
  const t0 = Date.now();
  for (let c = 0; c < callers; c++) {
    const phase = Math.floor(random() * periodMs);
    for (let at = phase; at < loadMs; at += periodMs) {
      setTimeout(() => {
        const op: Op = { start: Date.now() - t0, end: Number.NaN, ok: false };
        ops.push(op);
        void start(op).then(
          () => {
            op.ok = true;
            op.end = Date.now() - t0;
          },
          () => {
            op.end = Date.now() - t0;
          },
        );
      }, at);
    }
  }
  return ops;
}

function summarise(
  scenario: string,
  target: Target,
  ops: Op[],
  t0: number,
  retries: number,
  refused = 0,
): Numbers {
  const attempts = target.attempts.map((t) => t - t0);
  const outageOps = ops.filter((op) => op.start < outageMs);
  const successes = ops.filter((op) => op.ok).map((op) => op.end);
  return {
    scenario,
    operations: ops.length,
    failed: ops.filter((op) => !op.ok).length,
    attempts: attempts.length,
    attemptsDuringOutage: attempts.filter((t) => t < outageMs).length,
    retries,
    refused,
    amplification: (attempts.filter((t) => t < outageMs).length / outageOps.length).toFixed(2),
    firstSuccessAfterUpMs: Math.min(...successes) - outageMs,
    // 0: every operation caught by the outage had ended (failed) before the target came back.
    backlogClearedAfterUpMs: Math.max(0, Math.max(...outageOps.map((op) => op.end)) - outageMs),
    savedByRetry: outageOps.filter((op) => op.ok).length,
  };
}

describe('simulation: 200 callers, target down for 3 s', function () {
  this.timeout(60_000);
  let clock: sinon.SinonFakeTimers;
  const table: Numbers[] = [];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    clock.restore();
  });
  after(() => {
    console.log('\n      herd simulation (fake time, seeded jitter, Redis retry defaults)');
    console.table(table);
  });

  describe('per-call RetryHandler (maxRetries 3, base 500 ms)', () => {
    async function run(
      budget: RetryBudget | undefined,
      breaker?: CircuitBreaker,
    ): Promise<Numbers> {
      const target = new Target(outageMs);
      const random = seeded(7);
      const handler = new RetryHandler({
        name: 'redis-cache',
        defaults: redisRetryDefaults,
        random,
        ...(budget && { budget }),
        ...(breaker && { circuitBreaker: breaker }),
      });
      const attemptsPerOp: number[] = [];
      const ops = openLoop(random, () => {
        let n = 0;
        return handler
          .execute(() => {
            n += 1;
            return target.call();
          })
          .finally(() => attemptsPerOp.push(n));
      });
      await clock.tickAsync(loadMs + drainMs);
      expect(Math.max(...attemptsPerOp), 'attempts per operation').to.be.at.most(4);
      const name = `handler, budget ${budget ? 'on' : 'off'}${breaker ? ' + breaker' : ''}`;
      const retries = attemptsPerOp.reduce((sum, n) => sum + Math.max(n - 1, 0), 0);
      const refused = attemptsPerOp.filter((n) => n === 0).length;
      return summarise(name, target, ops, 0, retries, refused);
    }

    it('without a budget, retries multiply the load while the target is down', async () => {
      const numbers = await run(undefined);
      table.push(numbers);
      expect(numbers.operations).to.equal(callers * (loadMs / periodMs));
      expect(Number(numbers.amplification)).to.be.above(2);
      // The retries do their job for most operations caught by the outage...
      expect(numbers.savedByRetry).to.be.above(500);
      // ...at the price of a backlog that clears only seconds after the target is back.
      expect(numbers.backlogClearedAfterUpMs).to.be.above(1000);
    });

    it('with the default budget, retries stay within ratio * successes + floor * seconds + initial', async () => {
      const budget = new RetryBudget();
      const numbers = await run(budget);
      table.push(numbers);
      const snapshot = budget.snapshot();
      const seconds = (loadMs + drainMs) / 1000;
      const bound = 0.1 * snapshot.successes + 10 * seconds + 10 / 2 + 10;
      expect(snapshot.retriesAllowed).to.equal(numbers.retries);
      expect(numbers.retries).to.be.at.most(bound);
      // No success while down: only the initial tokens and the floor fund retries.
      const outageBound = 10 / 2 + 10 + 10 * (outageMs / 1000);
      const firstAttemptsDuringOutage = callers * (outageMs / periodMs);
      expect(numbers.attemptsDuringOutage - firstAttemptsDuringOutage).to.be.at.most(outageBound);
      expect(Number(numbers.amplification)).to.be.below(1.1);
      expect(numbers.firstSuccessAfterUpMs).to.be.below(10);
    });

    it('with the budget and a CircuitBreaker (5 failures, 1 s break), lets almost nothing reach the target while open and recovers at the first probe after up', async () => {
      const breaker = new CircuitBreaker({ breakDurationMs: 1000 });
      const opened: number[] = [];
      breaker.events$.subscribe((event) => {
        if (event.type === 'opened') opened.push(Date.now());
      });
      const numbers = await run(new RetryBudget(), breaker);
      breaker.dispose();
      table.push(numbers);
      console.log(`      breaker opened at ${opened.join(', ')} ms (breaks of 1 s, 2 s, ...)`);
      expect(numbers.attemptsDuringOutage).to.be.below(50);
      // Recovery waits for the probe that follows the break in progress when the target came back.
      const lastOpen = Math.max(...opened.filter((t) => t < outageMs));
      expect(numbers.firstSuccessAfterUpMs + outageMs).to.be.at.most(lastOpen + 2000 + 10);
    });
  });

  describe('one shared ConnectionManager (maxRetries 3, base 500 ms)', () => {
    async function run(
      budget: RetryBudget | false,
    ): Promise<{ numbers: Numbers; cycles: number[] }> {
      const target = new Target(outageMs);
      const random = seeded(11);
      const manager = new ConnectionManager<object>({
        name: 'redis-cache',
        connect: () => target.call().then(() => ({})),
        retry: { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 10_000 },
        budget,
        random,
      });
      const cycles: number[] = [];
      manager.state$.subscribe((state) => {
        if (state.status === 'connecting') {
          if (state.attempt === 1) cycles.push(0);
          cycles[cycles.length - 1] = state.attempt;
        }
      });
      const ops = openLoop(random, () => manager.execute(() => 'ok', { idempotent: true }));
      await clock.tickAsync(loadMs + drainMs);
      await manager.close();
      // Every operation used the one connection: the target saw connect attempts only.
      const name = budget ? 'manager, budget on' : 'manager, budget off';
      const numbers = summarise(name, target, ops, 0, target.attempts.length - cycles.length);
      return { numbers, cycles };
    }

    for (const budget of [false, true]) {
      it(`makes at most maxRetries + 1 connect attempts per cycle (budget ${budget ? 'on' : 'off'})`, async () => {
        const { numbers, cycles } = await run(budget ? new RetryBudget() : false);
        table.push({ ...numbers, scenario: `${numbers.scenario} (${cycles.length} cycles)` });
        expect(Math.max(...cycles)).to.be.at.most(4);
        expect(numbers.attempts).to.equal(cycles.reduce((a, b) => a + b, 0));
        // 200 callers cost the attempts of one: far fewer than one per operation.
        expect(numbers.attemptsDuringOutage).to.be.below(20);
      });
    }
  });

  describe('throttled errors', () => {
    it('wait throttledDelayFactor (2) times longer than transient ones', async () => {
      const times = async (failure: () => Error): Promise<number[]> => {
        const target = new Target(Number.POSITIVE_INFINITY, failure);
        const handler = new RetryHandler({ defaults: redisRetryDefaults, jitter: 'none' });
        const done = handler.execute(() => target.call()).catch(() => undefined);
        await clock.tickAsync(60_000);
        await done;
        const t0 = target.attempts[0] ?? 0;
        return target.attempts.map((t) => t - t0);
      };
      const transientAt = await times(refused);
      const throttledAt = await times(() => errnoError(1040)); // MySQL too many connections
      console.log(
        `      attempt times, transient: ${transientAt.join(', ')} ms; throttled: ${throttledAt.join(', ')} ms`,
      );
      // Each failure takes 1 ms to arrive; the waits are 500/1000/2000 and 1000/2000/4000.
      expect(transientAt).to.deep.equal([0, 501, 1502, 3503]);
      expect(throttledAt).to.deep.equal([0, 1001, 3002, 7003]);
    });
  });
});
