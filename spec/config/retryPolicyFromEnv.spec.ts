import { expect } from 'chai';
import { type EnvPrefix, retryPolicyFromEnv } from '../../src/config/retryPolicyFromEnv.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import {
  type RetryPolicy,
  mysqlRetryDefaults,
  redisRetryDefaults,
} from '../../src/retry/RetryOptions.js';
import { resolveRetryPolicy } from '../../src/retry/resolveRetryPolicy.js';

type Env = Record<string, string | undefined>;

const families: readonly { prefix: EnvPrefix; defaults: RetryPolicy }[] = [
  { prefix: 'DB', defaults: mysqlRetryDefaults },
  { prefix: 'REDIS', defaults: redisRetryDefaults },
];

function rejection(prefix: EnvPrefix, defaults: RetryPolicy, env: Env): ConfigurationError {
  try {
    retryPolicyFromEnv(prefix, defaults, env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).to.equal('ERR_HOLDFAST_CONFIG');
    return error as ConfigurationError;
  }
  return expect.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

// Malformed for every variable (seconds and counts alike).
const malformedAny = [
  'abc',
  '-1',
  'NaN',
  'Infinity',
  '1e3',
  '0x10',
  ' ',
  '1,5',
  '3 retries',
  '+1',
  '1.2.3',
  '--1',
  'null',
  'true',
  '-0.5',
  ' 2 ',
];
// Malformed only for MAX_ATTEMPTS (a whole number of retries).
const malformedAttempts = ['1.5', '0.5', '3.25'];

describe('retryPolicyFromEnv', () => {
  for (const { prefix, defaults } of families) {
    const attempts = `${prefix}_RETRY_MAX_ATTEMPTS`;
    const base = `${prefix}_RETRY_BASE_DELAY`;
    const max = `${prefix}_RETRY_MAX_DELAY`;

    describe(`${prefix}_RETRY_*`, () => {
      it('returns the defaults when no variable is set, or all are empty', () => {
        expect(retryPolicyFromEnv(prefix, defaults, {})).to.deep.equal(defaults);
        expect(
          retryPolicyFromEnv(prefix, defaults, { [attempts]: '', [base]: '', [max]: '' }),
        ).to.deep.equal(defaults);
      });

      it('reads MAX_ATTEMPTS as maxRetries and the delays in seconds, converted to ms', () => {
        const policy = retryPolicyFromEnv(prefix, defaults, {
          [attempts]: '5',
          [base]: '2.5',
          [max]: '60',
        });
        expect(policy).to.include({ maxRetries: 5, baseDelayMs: 2500, maxDelayMs: 60_000 });
        expect(Object.isFrozen(policy)).to.equal(true);
      });

      it('converts seconds without float noise (1.1 s is 1100 ms, 0.1 s is 100 ms)', () => {
        const policy = retryPolicyFromEnv(prefix, defaults, { [base]: '0.1', [max]: '1.1' });
        expect(policy.baseDelayMs).to.equal(100);
        expect(policy.maxDelayMs).to.equal(1100);
      });

      it('keeps the defaults of the variables that are not set', () => {
        const policy = retryPolicyFromEnv(prefix, defaults, { [attempts]: '0' });
        expect(policy).to.include({
          maxRetries: 0,
          baseDelayMs: defaults.baseDelayMs,
          maxDelayMs: defaults.maxDelayMs,
        });
      });

      it("ignores the other family's variables", () => {
        const other = prefix === 'DB' ? 'REDIS' : 'DB';
        const policy = retryPolicyFromEnv(prefix, defaults, {
          [`${other}_RETRY_MAX_ATTEMPTS`]: '9',
          [`${other}_RETRY_BASE_DELAY`]: 'abc',
        });
        expect(policy).to.deep.equal(defaults);
      });

      describe('precedence: option > environment > default', () => {
        const env = { [attempts]: '7', [base]: '0.2', [max]: '2' };

        it('takes the environment over the default', () => {
          const policy = resolveRetryPolicy({}, retryPolicyFromEnv(prefix, defaults, env));
          expect(policy).to.include({ maxRetries: 7, baseDelayMs: 200, maxDelayMs: 2000 });
        });

        it('takes an explicit option over the environment', () => {
          const policy = resolveRetryPolicy(
            { maxRetries: 1, baseDelayMs: 50 },
            retryPolicyFromEnv(prefix, defaults, env),
          );
          expect(policy).to.include({ maxRetries: 1, baseDelayMs: 50, maxDelayMs: 2000 });
        });

        it('takes the default when neither is given', () => {
          const policy = resolveRetryPolicy({}, retryPolicyFromEnv(prefix, defaults, {}));
          expect(policy).to.deep.equal(defaults);
        });
      });

      describe('malformed values', () => {
        for (const variable of [attempts, base, max]) {
          const values =
            variable === attempts ? [...malformedAny, ...malformedAttempts] : malformedAny;
          for (const raw of values) {
            it(`rejects ${variable}=${JSON.stringify(raw)}, naming the variable and the value`, () => {
              const error = rejection(prefix, defaults, { [variable]: raw });
              expect(error.option).to.equal(variable);
              expect(error.message).to.contain(variable).and.contain(JSON.stringify(raw));
            });
          }
        }

        it(`rejects ${max} below ${base}, naming both and their values`, () => {
          const error = rejection(prefix, defaults, { [base]: '5', [max]: '2' });
          expect(error.option).to.equal(max);
          expect(error.message)
            .to.contain(max)
            .and.contain(base)
            .and.contain('2 s')
            .and.contain('5 s');
        });

        it(`rejects ${base} above the default max delay, naming ${base}`, () => {
          const seconds = String(defaults.maxDelayMs / 1000 + 1);
          const error = rejection(prefix, defaults, { [base]: seconds });
          expect(error.option).to.equal(base);
          expect(error.message).to.contain(base).and.contain(`${seconds} s`);
        });

        it(`rejects ${max} below the default base delay, naming ${max}`, () => {
          const error = rejection(prefix, defaults, { [max]: '0.1' });
          expect(error.option).to.equal(max);
          expect(error.message).to.contain(max).and.contain('0.1 s');
        });

        it(`rejects a huge ${attempts}, naming the variable and the value`, () => {
          const error = rejection(prefix, defaults, { [attempts]: '100000' });
          expect(error.option).to.equal(attempts);
          expect(error.message).to.contain(attempts).and.contain('"100000"');
          expect(error.cause).to.be.instanceOf(ConfigurationError);
        });

        it(`rejects a ${max} longer than a timer can hold, naming the variable and the value`, () => {
          const error = rejection(prefix, defaults, { [max]: '9999999' });
          expect(error.option).to.equal(max);
          expect(error.message).to.contain(max).and.contain('"9999999"');
        });
      });
    });
  }

  it('reads process.env when no environment is passed', () => {
    const saved = process.env.DB_RETRY_MAX_ATTEMPTS;
    process.env.DB_RETRY_MAX_ATTEMPTS = '6';
    try {
      expect(retryPolicyFromEnv('DB', mysqlRetryDefaults).maxRetries).to.equal(6);
    } finally {
      if (saved === undefined) delete process.env.DB_RETRY_MAX_ATTEMPTS;
      else process.env.DB_RETRY_MAX_ATTEMPTS = saved;
    }
  });
});
