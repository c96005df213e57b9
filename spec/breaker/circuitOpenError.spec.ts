import { expect } from 'chai';
import { circuitOpenError } from '../../src/breaker/circuitOpenError.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';

describe('circuitOpenError', () => {
  it('builds a CircuitOpenError with its code and retryAfterMs for each refusing state', () => {
    for (const [status, retryAfterMs] of [
      ['open', 1200],
      ['half-open', 0],
      ['isolated', Number.POSITIVE_INFINITY],
    ] as const) {
      const error = circuitOpenError('mysql-main', status, retryAfterMs);
      expect(error).to.be.instanceOf(CircuitOpenError);
      expect(error).to.include({
        name: 'CircuitOpenError',
        code: 'ERR_HOLDFAST_CIRCUIT_OPEN',
        retryAfterMs,
      });
    }
  });

  it('names the breaker and what to do (the message is read by people)', () => {
    const error = circuitOpenError('mysql-main', 'open', 1200);
    expect(error.message).to.contain('mysql-main').and.contain('retryAfterMs');
  });
});
