import { expect } from 'chai';
import {
  mysqlRetryDefaults,
  redisRetryDefaults,
  retryOptionKeys,
} from '../../src/retry/RetryOptions.js';

describe('mysqlRetryDefaults', () => {
  it("are the reference design's: 3 retries, 1 s base, 30 s max, base 2, proportional jitter", () => {
    expect(mysqlRetryDefaults).to.include({
      maxRetries: 3,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      exponentialBase: 2,
      jitter: 'proportional',
    });
    expect(Object.isFrozen(mysqlRetryDefaults)).to.equal(true);
  });
});

describe('redisRetryDefaults', () => {
  it("are the reference design's: 3 retries, 0.5 s base, 10 s max, base 2, proportional jitter", () => {
    expect(redisRetryDefaults).to.include({
      maxRetries: 3,
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      exponentialBase: 2,
      jitter: 'proportional',
    });
    expect(Object.isFrozen(redisRetryDefaults)).to.equal(true);
  });
});

describe('retryOptionKeys', () => {
  it('lists every field of a resolved policy', () => {
    expect([...retryOptionKeys].sort()).to.deep.equal(Object.keys(mysqlRetryDefaults).sort());
  });
});
