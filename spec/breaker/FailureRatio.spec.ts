import { expect } from 'chai';
import fc from 'fast-check';
import { FailureRatio } from '../../src/breaker/FailureRatio.js';

describe('FailureRatio', () => {
  describe('failure', () => {
    it('trips when the failure share reaches the threshold at the minimum throughput', () => {
      const policy = new FailureRatio({ threshold: 0.5, minThroughput: 4 });
      policy.success(0);
      policy.success(0);
      expect(policy.failure(0)).to.equal(false);
      expect(policy.failure(0), '2 of 4 failed').to.equal(true);
    });

    it('does not trip below the minimum throughput, however many fail', () => {
      const policy = new FailureRatio({ threshold: 0.1, minThroughput: 5 });
      expect([1, 2, 3, 4].map(() => policy.failure(0))).to.deep.equal([false, false, false, false]);
    });

    it('does not trip while the share stays under the threshold', () => {
      const policy = new FailureRatio({ threshold: 0.5, minThroughput: 2 });
      for (let i = 0; i < 10; i++) policy.success(0);
      expect(policy.failure(0)).to.equal(false);
    });
  });

  describe('window', () => {
    it('slides one bucket at a time', () => {
      const policy = new FailureRatio({ windowMs: 1000, buckets: 10, minThroughput: 1 });
      policy.success(0);
      policy.failure(150);
      expect(policy.counts(999)).to.deep.equal({ calls: 2, failures: 1 });
      expect(policy.counts(1000), 'bucket [0, 100) left').to.deep.equal({ calls: 1, failures: 1 });
      expect(policy.counts(1100), 'bucket [100, 200) left').to.deep.equal({
        calls: 0,
        failures: 0,
      });
    });

    it('empties after a gap longer than the window', () => {
      const policy = new FailureRatio({ windowMs: 1000, minThroughput: 1 });
      for (let t = 0; t < 1000; t += 50) policy.failure(t);
      expect(policy.counts(50_000)).to.deep.equal({ calls: 0, failures: 0 });
    });

    it('matches a naive count of the outcomes in the window (property)', () => {
      const step = fc.record({ dt: fc.integer({ min: 0, max: 400 }), ok: fc.boolean() });
      fc.assert(
        fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
          const policy = new FailureRatio({ windowMs: 1000, buckets: 10, minThroughput: 1 });
          const log: { t: number; ok: boolean }[] = [];
          let t = 0;
          for (const { dt, ok } of steps) {
            t += dt;
            if (ok) policy.success(t);
            else policy.failure(t);
            log.push({ t, ok });
            // The window holds the current bucket and the 9 before it.
            const from = (Math.floor(t / 100) - 9) * 100;
            const inside = log.filter((e) => e.t >= from);
            expect(policy.counts(t)).to.deep.equal({
              calls: inside.length,
              failures: inside.filter((e) => !e.ok).length,
            });
          }
        }),
      );
    });
  });

  describe('reset', () => {
    it('forgets every outcome', () => {
      const policy = new FailureRatio({ minThroughput: 1 });
      policy.failure(0);
      policy.reset();
      expect(policy.counts(0)).to.deep.equal({ calls: 0, failures: 0 });
    });
  });

  describe('options', () => {
    for (const [option, value] of [
      ['threshold', 0],
      ['threshold', 1.5],
      ['windowMs', 0],
      ['buckets', 0],
      ['minThroughput', 0.5],
    ] as const) {
      it(`rejects ${option} ${value} with ConfigurationError`, () => {
        expect(() => new FailureRatio({ [option]: value }))
          .to.throw()
          .with.property('option', option);
      });
    }
  });
});
