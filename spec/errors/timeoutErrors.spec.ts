import { expect } from 'chai';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { AttemptTimeoutError } from '../../src/errors/AttemptTimeoutError.js';
import { ConnectTimeoutError } from '../../src/errors/ConnectTimeoutError.js';
import { HoldfastError, isHoldfastError } from '../../src/errors/HoldfastError.js';
import { QueryTimeoutError } from '../../src/errors/QueryTimeoutError.js';
import { codeError } from '../helpers/fakeErrors.js';

const driverError = codeError('ETIMEDOUT', undefined, 'socket timed out');

// One row per timeout: each is a HoldfastError with its own code, keeps the driver's error as
// `cause`, names the option to raise, and is classified transient (the connection lost).
const rows = [
  {
    error: new ConnectTimeoutError('mysql-main', 500, { cause: driverError }),
    name: 'ConnectTimeoutError',
    code: 'ERR_HOLDFAST_CONNECT_TIMEOUT',
    option: 'connectTimeoutMs',
  },
  {
    error: new AttemptTimeoutError(500, { cause: driverError }),
    name: 'AttemptTimeoutError',
    code: 'ERR_HOLDFAST_ATTEMPT_TIMEOUT',
    option: 'withAttemptTimeout',
  },
  {
    error: new QueryTimeoutError('INSERT INTO orders', 500, { cause: driverError }),
    name: 'QueryTimeoutError',
    code: 'ERR_HOLDFAST_QUERY_TIMEOUT',
    option: 'queryTimeoutMs',
  },
] as const;

describe('timeout errors', () => {
  for (const row of rows) {
    describe(row.name, () => {
      it(`is a HoldfastError with code ${row.code}, its limit and the driver's error as cause`, () => {
        expect(row.error).to.be.instanceOf(HoldfastError);
        expect(isHoldfastError(row.error)).to.equal(true);
        expect(row.error).to.include({ name: row.name, code: row.code, timeoutMs: 500 });
        expect(row.error.cause).to.equal(driverError);
        expect(row.error.message).to.include(row.option);
      });

      for (const scope of ['connect', 'execute', 'transaction'] as const) {
        it(`is classified transient, the connection lost, in scope '${scope}'`, () => {
          const verdict = new ErrorClassifier().classify(row.error, { attempt: 1, scope });
          expect(verdict).to.include({ kind: 'transient', connectionLost: true });
        });
      }
    });
  }
});
