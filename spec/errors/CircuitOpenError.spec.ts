import { expect } from 'chai';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';

describe('CircuitOpenError', () => {
  it('says how long until a probe is let through', () => {
    expect(new CircuitOpenError('open', { retryAfterMs: 2500 }).retryAfterMs).to.equal(2500);
    expect(new CircuitOpenError('isolated', { retryAfterMs: Infinity }).retryAfterMs).to.equal(
      Infinity,
    );
  });
});
