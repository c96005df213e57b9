import { expect } from 'chai';
import fc from 'fast-check';
import sinon from 'sinon';
import { RetryBudget, type RetryBudgetOptions } from '../../src/budget/RetryBudget.js';
import type { RetryBudgetEvent, RetryKind } from '../../src/budget/RetryBudgetEvent.js';
import type { Clock } from '../../src/internal/Clock.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { connectionRefused } from '../helpers/fakeErrors.js';

/** A clock the property test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    advance: (ms) => {
      now += ms;
    },
  };
}

function retries(budget: RetryBudget, n: number, kind: RetryKind = 'transient'): number {
  let allowed = 0;
  for (let i = 0; i < n; i++) if (budget.tryRetry(kind)) allowed += 1;
  return allowed;
}

describe('RetryBudget', () => {
  describe('tryRetry', () => {
    it('allows retries while the bucket stays at or above half of maxTokens', () => {
      const budget = new RetryBudget({
        maxTokens: 10,
        minRetriesPerSecond: 0,
        clock: manualClock(),
      });
      expect(retries(budget, 20)).to.equal(5);
    });

    it('lets a throttled retry cost half a transient one by default', () => {
      const budget = new RetryBudget({
        maxTokens: 10,
        minRetriesPerSecond: 0,
        clock: manualClock(),
      });
      expect(retries(budget, 20, 'throttled')).to.equal(10);
    });

    it('uses the costs given', () => {
      const budget = new RetryBudget({
        maxTokens: 10,
        minRetriesPerSecond: 0,
        costs: { transient: 2.5 },
        clock: manualClock(),
      });
      expect(retries(budget, 20)).to.equal(2);
    });

    it('refills tokenRatio per success', () => {
      const budget = new RetryBudget({
        maxTokens: 10,
        tokenRatio: 0.25,
        minRetriesPerSecond: 0,
        clock: manualClock(),
      });
      retries(budget, 20);
      for (let i = 0; i < 8; i++) budget.recordSuccess();
      expect(retries(budget, 20), '8 successes * 0.25').to.equal(2);
    });

    it('never holds more than maxTokens however many successes', () => {
      const budget = new RetryBudget({
        maxTokens: 10,
        minRetriesPerSecond: 0,
        clock: manualClock(),
      });
      for (let i = 0; i < 1000; i++) budget.recordSuccess();
      expect(budget.snapshot().tokens).to.equal(10);
      expect(retries(budget, 20)).to.equal(5);
    });

    it('keeps a floor of minRetriesPerSecond with no successes at all', () => {
      const clock = manualClock();
      const budget = new RetryBudget({ maxTokens: 0, minRetriesPerSecond: 4, clock });
      expect(retries(budget, 10), 'the reserve starts with one second').to.equal(4);
      clock.advance(500);
      expect(retries(budget, 10)).to.equal(2);
      clock.advance(60_000);
      expect(retries(budget, 10), 'the reserve holds one second at most').to.equal(4);
    });

    it('adds nothing when the clock steps back', () => {
      const clock = manualClock();
      const budget = new RetryBudget({ maxTokens: 0, minRetriesPerSecond: 4, clock });
      retries(budget, 4);
      clock.advance(-10_000);
      expect(retries(budget, 4)).to.equal(0);
      clock.advance(10_250);
      expect(retries(budget, 4), 'only the 250 ms after the step back count').to.equal(1);
    });
  });

  describe('events$', () => {
    it('reports exhausted once, every refusal, and replenished on the next allowed retry', () => {
      const clock = manualClock();
      const budget = new RetryBudget({ maxTokens: 2, minRetriesPerSecond: 0, clock });
      const seen: RetryBudgetEvent['type'][] = [];
      budget.events$.subscribe((event) => seen.push(event.type));
      retries(budget, 3);
      for (let i = 0; i < 10; i++) budget.recordSuccess();
      retries(budget, 1);
      expect(seen).to.deep.equal(['exhausted', 'retry-denied', 'retry-denied', 'replenished']);
    });

    it('counts in the snapshot', () => {
      const budget = new RetryBudget({
        maxTokens: 2,
        minRetriesPerSecond: 0,
        clock: manualClock(),
      });
      retries(budget, 3);
      budget.recordSuccess();
      expect(budget.snapshot()).to.deep.include({
        retriesAllowed: 1,
        retriesDenied: 2,
        successes: 1,
        exhausted: true,
      });
    });
  });

  describe('as the RetryHandler hook', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers();
    });
    afterEach(() => {
      clock.restore();
    });

    it('never blocks a first attempt and ends the loop with reason budget', async () => {
      const budget = new RetryBudget({ maxTokens: 0, minRetriesPerSecond: 0 });
      const handler = new RetryHandler({ budget, maxRetries: 3, baseDelayMs: 10, jitter: 'none' });
      const fn = sinon.spy(() => Promise.reject(connectionRefused()));
      const error = await handler.execute(fn).catch((e: unknown) => e);
      expect(fn.callCount).to.equal(1);
      expect(error).to.include({
        code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED',
        reason: 'budget',
        attempts: 1,
      });
    });

    it('is refilled by the successes the handler reports', async () => {
      const budget = new RetryBudget({ maxTokens: 4, tokenRatio: 0.5, minRetriesPerSecond: 0 });
      const handler = new RetryHandler({ budget });
      for (let i = 0; i < 3; i++) await handler.execute(() => 'ok');
      expect(budget.snapshot()).to.include({ successes: 3 });
    });
  });

  describe('options', () => {
    const bad: [string, RetryBudgetOptions][] = [
      ['maxTokens', { maxTokens: -1 }],
      ['tokenRatio', { tokenRatio: Number.NaN }],
      ['minRetriesPerSecond', { minRetriesPerSecond: Number.POSITIVE_INFINITY }],
      ['costs.transient', { costs: { transient: 0 } }],
      ['costs.throttled', { costs: { throttled: -1 } }],
      ['tokenRatioo', { tokenRatioo: 1 } as RetryBudgetOptions],
    ];
    for (const [option, options] of bad) {
      it(`rejects a bad ${option} with ConfigurationError naming it`, () => {
        expect(() => new RetryBudget(options))
          .to.throw()
          .with.property('option', option);
      });
    }
  });

  describe('bound (property)', () => {
    type Step = { readonly dt: number; readonly op: 'success' | RetryKind };
    const step = fc.record({
      dt: fc.integer({ min: 0, max: 1500 }),
      op: fc.constantFrom<Step['op']>('success', 'success', 'transient', 'transient', 'throttled'),
    });
    const options = fc.record({
      maxTokens: fc.integer({ min: 0, max: 50 }),
      tokenRatio: fc.constantFrom(0, 0.05, 0.1, 0.2, 0.5, 1),
      minRetriesPerSecond: fc.constantFrom(0, 1, 2.5, 10),
    });

    it('never allows retries costing more than ratio * successes + floor * seconds + initial tokens over any window', () => {
      fc.assert(
        fc.property(options, fc.array(step, { minLength: 1, maxLength: 120 }), (opts, steps) => {
          const clock = manualClock();
          const budget = new RetryBudget({ ...opts, clock });
          const log: { t: number; success: boolean; spent: number }[] = [];
          let t = 0;
          for (const { dt, op } of steps) {
            clock.advance(dt);
            t += dt;
            if (op === 'success') {
              budget.recordSuccess();
              log.push({ t, success: true, spent: 0 });
            } else {
              const cost = op === 'throttled' ? budget.throttledCost : budget.transientCost;
              log.push({ t, success: false, spent: budget.tryRetry(op) ? cost : 0 });
            }
          }
          const initial = opts.maxTokens / 2 + opts.minRetriesPerSecond;
          for (let i = 0; i < log.length; i++) {
            let spent = 0;
            let successes = 0;
            for (let j = i; j < log.length; j++) {
              const entry = log[j]!;
              spent += entry.spent;
              if (entry.success) successes += 1;
              const seconds = (entry.t - log[i]!.t) / 1000;
              const bound =
                opts.tokenRatio * successes + opts.minRetriesPerSecond * seconds + initial;
              if (spent > bound + 1e-6) {
                throw new Error(`window [${i}, ${j}]: spent ${spent} > bound ${bound}`);
              }
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it('bounds the count of transient retries the same way (each costs one)', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 300 }), (gaps) => {
          const clock = manualClock();
          const budget = new RetryBudget({ clock });
          let allowed = 0;
          let successes = 0;
          let elapsed = 0;
          for (const gap of gaps) {
            clock.advance(gap);
            elapsed += gap;
            if (gap % 3 === 0) {
              budget.recordSuccess();
              successes += 1;
            } else if (budget.tryRetry('transient')) allowed += 1;
          }
          const bound = 0.1 * successes + 10 * (elapsed / 1000) + 10 / 2 + 10;
          expect(allowed).to.be.at.most(bound + 1e-6);
        }),
      );
    });
  });
});
