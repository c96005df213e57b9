import { expect } from 'chai';
import { plural } from '../../src/internal/plural.js';

describe('plural', () => {
  it('uses the singular for exactly one, the plural otherwise', () => {
    expect(plural(1, 'retry', 'retries')).to.equal('1 retry');
    expect(plural(0, 'retry', 'retries')).to.equal('0 retries');
    expect(plural(3, 'retry', 'retries')).to.equal('3 retries');
    expect(plural(1, 'attempt')).to.equal('1 attempt');
    expect(plural(2, 'attempt')).to.equal('2 attempts');
  });
});
