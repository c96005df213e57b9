import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import type { RetryOptions } from '../../src/retry/RetryOptions.js';
import { mysqlRetryDefaults, redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import {
  maxDelayLimitMs,
  maxRetriesLimit,
  resolveRetryPolicy,
} from '../../src/retry/resolveRetryPolicy.js';

function rejection(options: unknown): ConfigurationError {
  try {
    resolveRetryPolicy(options as RetryOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).to.equal('ERR_HOLDFAST_CONFIG');
    return error as ConfigurationError;
  }
  return expect.fail(`expected ${JSON.stringify(options)} to be rejected`);
}

// [why, options, the option the error must name, text the message must contain]
const invalid: readonly [string, Record<string, unknown>, string, string][] = [
  ['a typo of maxRetries', { maxRetriez: 3 }, 'maxRetriez', '`maxRetriez`'],
  ['a key in seconds from the reference design', { base_delay: 1 }, 'base_delay', '`base_delay`'],
  ['a duration without its Ms suffix', { maxDelay: 1000 }, 'maxDelay', '`maxDelay`'],
  ['negative maxRetries', { maxRetries: -1 }, 'maxRetries', '(-1)'],
  ['NaN maxRetries', { maxRetries: NaN }, 'maxRetries', '(NaN)'],
  ['Infinity maxRetries', { maxRetries: Infinity }, 'maxRetries', '(Infinity)'],
  ['non-integer maxRetries', { maxRetries: 2.5 }, 'maxRetries', '(2.5)'],
  ['maxRetries as a string', { maxRetries: '3' }, 'maxRetries', '("3")'],
  ['maxRetries null', { maxRetries: null }, 'maxRetries', '(null)'],
  ['maxRetries beyond the limit', { maxRetries: maxRetriesLimit + 1 }, 'maxRetries', '10001'],
  ['negative baseDelayMs', { baseDelayMs: -1 }, 'baseDelayMs', '(-1)'],
  ['NaN baseDelayMs', { baseDelayMs: NaN }, 'baseDelayMs', '(NaN)'],
  ['Infinity baseDelayMs', { baseDelayMs: Infinity }, 'baseDelayMs', '(Infinity)'],
  ['baseDelayMs as a string', { baseDelayMs: '1000' }, 'baseDelayMs', '("1000")'],
  ['negative maxDelayMs', { maxDelayMs: -5 }, 'maxDelayMs', '(-5)'],
  ['Infinity maxDelayMs', { maxDelayMs: Infinity }, 'maxDelayMs', '(Infinity)'],
  [
    'maxDelayMs beyond what a timer can hold',
    { maxDelayMs: maxDelayLimitMs + 1 },
    'maxDelayMs',
    String(maxDelayLimitMs + 1),
  ],
  [
    'maxDelayMs below baseDelayMs',
    { baseDelayMs: 1000, maxDelayMs: 100 },
    'maxDelayMs',
    'Expected `maxDelayMs` (100) to be >= `baseDelayMs` (1000)',
  ],
  [
    'baseDelayMs above the default maxDelayMs',
    { baseDelayMs: 60_000 },
    'maxDelayMs',
    '`baseDelayMs` (60000)',
  ],
  ['exponentialBase below 1', { exponentialBase: 0.5 }, 'exponentialBase', '(0.5)'],
  ['NaN exponentialBase', { exponentialBase: NaN }, 'exponentialBase', '(NaN)'],
  ['Infinity exponentialBase', { exponentialBase: Infinity }, 'exponentialBase', '(Infinity)'],
  ['an unknown jitter mode', { jitter: 'random' }, 'jitter', '"random"'],
  ['jitter as a boolean', { jitter: true }, 'jitter', '(true)'],
  ['zero maxElapsedMs', { maxElapsedMs: 0 }, 'maxElapsedMs', '(0)'],
  ['negative maxElapsedMs', { maxElapsedMs: -1 }, 'maxElapsedMs', '(-1)'],
  ['NaN maxElapsedMs', { maxElapsedMs: NaN }, 'maxElapsedMs', '(NaN)'],
  ['Infinity maxElapsedMs', { maxElapsedMs: Infinity }, 'maxElapsedMs', '(Infinity)'],
  ['throttledDelayFactor below 1', { throttledDelayFactor: 0.5 }, 'throttledDelayFactor', '(0.5)'],
  ['NaN throttledDelayFactor', { throttledDelayFactor: NaN }, 'throttledDelayFactor', '(NaN)'],
];

describe('resolveRetryPolicy', () => {
  describe('defaults', () => {
    it('applies the MySQL defaults when no options are given', () => {
      expect(resolveRetryPolicy()).to.deep.equal({
        maxRetries: 3,
        baseDelayMs: 1000,
        maxDelayMs: 30_000,
        exponentialBase: 2,
        jitter: 'proportional',
        maxElapsedMs: undefined,
        throttledDelayFactor: 2,
      });
    });

    it('applies the given defaults (Redis: 0.5 s base, 10 s max)', () => {
      const policy = resolveRetryPolicy({}, redisRetryDefaults);
      expect(policy.baseDelayMs).to.equal(500);
      expect(policy.maxDelayMs).to.equal(10_000);
      expect(policy.maxRetries).to.equal(3);
      expect(policy.exponentialBase).to.equal(2);
    });

    it('lets explicit options win over the defaults, and treats undefined as not given', () => {
      // From JavaScript (or a spread of optional fields) a key can be present and undefined.
      const options = {
        maxRetries: 5,
        baseDelayMs: undefined,
        jitter: 'full',
        maxElapsedMs: 60_000,
      };
      const policy = resolveRetryPolicy(options as unknown as RetryOptions, redisRetryDefaults);
      expect(policy.maxRetries).to.equal(5);
      expect(policy.baseDelayMs).to.equal(500);
      expect(policy.jitter).to.equal('full');
      expect(policy.maxElapsedMs).to.equal(60_000);
    });

    it('accepts the edges of every range', () => {
      const policy = resolveRetryPolicy({
        maxRetries: 0,
        baseDelayMs: 0,
        maxDelayMs: 0,
        exponentialBase: 1,
        throttledDelayFactor: 1,
        maxElapsedMs: 1,
      });
      expect(policy.maxRetries).to.equal(0);
      expect(resolveRetryPolicy({ maxRetries: maxRetriesLimit }).maxRetries).to.equal(
        maxRetriesLimit,
      );
      expect(resolveRetryPolicy({ maxDelayMs: maxDelayLimitMs }).maxDelayMs).to.equal(
        maxDelayLimitMs,
      );
    });

    for (const jitter of ['proportional', 'none', 'full', 'equal', 'decorrelated'] as const) {
      it(`accepts jitter '${jitter}'`, () => {
        expect(resolveRetryPolicy({ jitter }).jitter).to.equal(jitter);
      });
    }
  });

  describe('the result', () => {
    it('is frozen', () => {
      const policy = resolveRetryPolicy({ maxRetries: 2 });
      expect(Object.isFrozen(policy)).to.equal(true);
      expect(() => {
        (policy as { maxRetries: number }).maxRetries = 9;
      }).to.throw(TypeError);
    });

    it('is a new object, leaving the options and the defaults untouched', () => {
      const options = { maxRetries: 2 };
      const policy = resolveRetryPolicy(options);
      expect(policy).not.to.equal(mysqlRetryDefaults);
      expect(options).to.deep.equal({ maxRetries: 2 });
      expect(mysqlRetryDefaults.maxRetries).to.equal(3);
    });
  });

  describe('invalid options', () => {
    for (const [why, options, option, text] of invalid) {
      it(`rejects ${why}, naming \`${option}\``, () => {
        const error = rejection(options);
        expect(error.option).to.equal(option);
        expect(error.message).to.contain(text);
      });
    }

    it('rejects options that are not an object', () => {
      for (const value of [null, 3, 'fast', [1]]) {
        expect(rejection(value).message).to.contain('RetryOptions');
      }
    });

    it('names the caller in an unknown-key message', () => {
      try {
        resolveRetryPolicy(
          { retries: 3 } as RetryOptions,
          mysqlRetryDefaults,
          'getDbConnectionRetry options',
        );
        expect.fail('expected a ConfigurationError');
      } catch (error) {
        expect((error as Error).message).to.contain('getDbConnectionRetry options');
      }
    });
  });
});
