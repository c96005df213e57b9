import { expect } from 'chai';
import { ConsecutiveFailures } from '../../src/breaker/ConsecutiveFailures.js';

describe('ConsecutiveFailures', () => {
  describe('failure', () => {
    it('trips at the threshold', () => {
      const policy = new ConsecutiveFailures({ threshold: 3 });
      expect([policy.failure(), policy.failure(), policy.failure()]).to.deep.equal([
        false,
        false,
        true,
      ]);
    });

    it('defaults to 5 failures', () => {
      const policy = new ConsecutiveFailures();
      expect(policy.threshold).to.equal(5);
    });
  });

  describe('success', () => {
    it('starts the count again', () => {
      const policy = new ConsecutiveFailures({ threshold: 2 });
      policy.failure();
      policy.success();
      expect(policy.failure()).to.equal(false);
      expect(policy.failures).to.equal(1);
    });
  });

  describe('options', () => {
    it('rejects a threshold below 1', () => {
      expect(() => new ConsecutiveFailures({ threshold: 0 }))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CONFIG');
    });
  });
});
