import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import {
  describe as describeValue,
  expectFiniteNumber,
  expectInteger,
  expectOneOf,
  rejectUnknownKeys,
} from '../../src/internal/validate.js';

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  expect.fail('expected a ConfigurationError');
}

describe('rejectUnknownKeys', () => {
  it('accepts known keys', () => {
    expect(() => {
      rejectUnknownKeys({ a: 1, b: 2 }, ['a', 'b', 'c'], 'Opts');
    }).not.to.throw();
  });

  it('names the unknown key and lists the known ones', () => {
    const error = configError(() => {
      rejectUnknownKeys({ maxRetriez: 3 }, ['maxRetries'], 'RetryOptions');
    });
    expect(error.option).to.equal('maxRetriez');
    expect(error.message).to.contain('`maxRetriez`').and.contain('`maxRetries`');
  });
});

describe('expectFiniteNumber', () => {
  it('returns a finite number at or above the minimum', () => {
    expect(expectFiniteNumber('x', 0, 0)).to.equal(0);
    expect(expectFiniteNumber('x', 1.5, 1)).to.equal(1.5);
  });

  for (const value of [-1, NaN, Infinity, -Infinity, '1', null, undefined, {}, true]) {
    it(`rejects ${describeValue(value)}, naming the option and the value`, () => {
      const error = configError(() => expectFiniteNumber('baseDelayMs', value, 0));
      expect(error.option).to.equal('baseDelayMs');
      expect(error.message).to.contain('`baseDelayMs`').and.contain(describeValue(value));
    });
  }
});

describe('expectInteger', () => {
  it('returns a whole number at or above the minimum', () => {
    expect(expectInteger('n', 0, 0)).to.equal(0);
    expect(expectInteger('n', 7, 0)).to.equal(7);
  });

  for (const value of [-1, 1.5, NaN, Infinity, 2 ** 53, '3']) {
    it(`rejects ${describeValue(value)}`, () => {
      expect(configError(() => expectInteger('maxRetries', value, 0)).option).to.equal(
        'maxRetries',
      );
    });
  }
});

describe('expectOneOf', () => {
  it('returns an allowed value', () => {
    expect(expectOneOf('jitter', 'full', ['none', 'full'])).to.equal('full');
  });

  it('rejects anything else, listing what is allowed', () => {
    const error = configError(() => expectOneOf('jitter', 'random', ['none', 'full']));
    expect(error.option).to.equal('jitter');
    expect(error.message).to.contain('"random"').and.contain("'none'").and.contain("'full'");
    expect(configError(() => expectOneOf('jitter', 3, ['none'])).option).to.equal('jitter');
  });
});

describe('describe', () => {
  it('shows strings quoted, numbers and literals plainly, and never dumps objects', () => {
    expect(describeValue('abc')).to.equal('"abc"');
    expect(describeValue(NaN)).to.equal('NaN');
    expect(describeValue(null)).to.equal('null');
    expect(describeValue(undefined)).to.equal('undefined');
    expect(describeValue(false)).to.equal('false');
    expect(describeValue(() => 1)).to.equal('a function');
    expect(describeValue([1])).to.equal('an array');
    expect(describeValue({ password: 'secret' })).to.equal('an object');
  });
});
