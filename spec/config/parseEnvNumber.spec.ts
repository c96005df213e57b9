import { expect } from 'chai';
import { parseEnvNumber } from '../../src/config/parseEnvNumber.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';

const variable = 'DB_RETRY_BASE_DELAY';

function rejection(raw: string, kind: 'seconds' | 'count'): ConfigurationError {
  try {
    parseEnvNumber({ [variable]: raw }, variable, kind);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  return expect.fail(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('parseEnvNumber', () => {
  describe('accepted values', () => {
    const seconds: readonly [string, number][] = [
      ['0', 0],
      ['1', 1],
      ['1.0', 1],
      ['0.5', 0.5],
      ['.5', 0.5],
      ['30.', 30],
      ['30.0', 30],
      ['007', 7],
      ['1000000', 1_000_000],
    ];
    for (const [raw, value] of seconds) {
      it(`reads seconds ${JSON.stringify(raw)} as ${value}`, () => {
        expect(parseEnvNumber({ [variable]: raw }, variable, 'seconds')).to.equal(value);
      });
    }

    it('reads a whole count', () => {
      expect(parseEnvNumber({ N: '3' }, 'N', 'count')).to.equal(3);
      expect(parseEnvNumber({ N: '0' }, 'N', 'count')).to.equal(0);
      expect(parseEnvNumber({ N: '3.0' }, 'N', 'count')).to.equal(3);
    });

    it('treats unset and empty as not configured', () => {
      expect(parseEnvNumber({}, variable, 'seconds')).to.equal(undefined);
      expect(parseEnvNumber({ [variable]: '' }, variable, 'seconds')).to.equal(undefined);
    });
  });

  describe('malformed values', () => {
    const malformed = [
      'abc',
      '-1',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e3',
      '1E3',
      '0x10',
      '0b11',
      ' ',
      ' 1',
      '1 ',
      '1,5',
      '3 retries',
      '3s',
      '+1',
      '1.2.3',
      '--1',
      'null',
      'true',
      'undefined',
      '.',
      '1_000',
      '٣', // an Arabic-Indic three
      '9'.repeat(400), // overflows to Infinity
    ];
    for (const raw of malformed) {
      for (const kind of ['seconds', 'count'] as const) {
        it(`rejects ${JSON.stringify(raw)} as ${kind}, naming the variable and the value`, () => {
          const error = rejection(raw, kind);
          expect(error.option).to.equal(variable);
          expect(error.message).to.contain(variable).and.contain(JSON.stringify(raw));
        });
      }
    }

    for (const raw of ['1.5', '0.1', '99999999999999999999']) {
      it(`rejects ${JSON.stringify(raw)} as a count of retries`, () => {
        const error = rejection(raw, 'count');
        expect(error.option).to.equal(variable);
        expect(error.message).to.contain(variable).and.contain(JSON.stringify(raw));
      });
    }
  });
});
