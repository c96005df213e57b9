import { expect } from 'chai';
import { AbortedError } from '../../src/errors/AbortedError.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { ClosedError } from '../../src/errors/ClosedError.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { HoldfastError, isHoldfastError } from '../../src/errors/HoldfastError.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';

const cause = new Error('the driver said no');

// One row per error class: a new class is a new set of tests.
const rows: readonly {
  readonly type: abstract new (...args: never[]) => HoldfastError;
  readonly name: string;
  readonly code: string;
  readonly make: () => HoldfastError;
}[] = [
  {
    type: ConfigurationError,
    name: 'ConfigurationError',
    code: 'ERR_HOLDFAST_CONFIG',
    make: () => new ConfigurationError('bad option', { option: 'maxRetries', cause }),
  },
  {
    type: RetriesExhaustedError,
    name: 'RetriesExhaustedError',
    code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED',
    make: () => new RetriesExhaustedError('gave up', { cause, attempts: 4, target: 'mysql-main' }),
  },
  {
    type: OutcomeUnknownError,
    name: 'OutcomeUnknownError',
    code: 'ERR_HOLDFAST_OUTCOME_UNKNOWN',
    make: () => new OutcomeUnknownError('unknown', { cause, operation: 'INCR' }),
  },
  {
    type: CircuitOpenError,
    name: 'CircuitOpenError',
    code: 'ERR_HOLDFAST_CIRCUIT_OPEN',
    make: () => new CircuitOpenError('open', { retryAfterMs: 5000, cause }),
  },
  {
    type: ClosedError,
    name: 'ClosedError',
    code: 'ERR_HOLDFAST_CLOSED',
    make: () => new ClosedError('closed', { cause }),
  },
  {
    type: AbortedError,
    name: 'AbortedError',
    code: 'ERR_HOLDFAST_ABORTED',
    make: () => new AbortedError('aborted', { cause }),
  },
];

describe('HoldfastError', () => {
  for (const row of rows) {
    describe(row.name, () => {
      it('has a name equal to its class name', () => {
        const error = row.make();
        expect(error.name).to.equal(row.name);
        expect(error.name).to.equal(row.type.name);
        expect(String(error)).to.match(new RegExp(`^${row.name}: `));
        expect(error.stack).to.match(new RegExp(`^${row.name}: `));
      });

      it(`has the stable code ${row.code}`, () => {
        expect(row.make().code).to.equal(row.code);
      });

      it('keeps its cause', () => {
        expect(row.make().cause).to.equal(cause);
      });

      it('is recognised by instanceof (its class, HoldfastError, Error) and isHoldfastError', () => {
        const error = row.make();
        expect(error).to.be.instanceOf(row.type);
        expect(error).to.be.instanceOf(HoldfastError);
        expect(error).to.be.instanceOf(Error);
        expect(isHoldfastError(error)).to.equal(true);
      });
    });
  }

  it('gives every class a different code', () => {
    const codes = rows.map((row) => row.make().code);
    expect(new Set(codes).size).to.equal(rows.length);
  });
});

describe('isHoldfastError', () => {
  it('is false for other errors and non-errors', () => {
    for (const value of [
      new Error('x'),
      new TypeError('x'),
      'ERR_HOLDFAST_CONFIG',
      null,
      undefined,
      42,
      {},
    ]) {
      expect(isHoldfastError(value), typeof value).to.equal(false);
    }
  });

  it('is false for a look-alike that copies the code but not the brand', () => {
    const lookAlike = Object.assign(new Error('x'), {
      code: 'ERR_HOLDFAST_CLOSED',
      name: 'ClosedError',
    });
    expect(isHoldfastError(lookAlike)).to.equal(false);
  });

  it('recognises an error from another copy of the package by its registered brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('holdfast.error')]: true });
    expect(isHoldfastError(foreign)).to.equal(true);
  });
});
