import { expect } from 'chai';
import { assertNever } from '../../src/internal/assertNever.js';

describe('assertNever', () => {
  it('throws a TypeError naming the unexpected value', () => {
    expect(() => assertNever('half-open' as never)).to.throw(TypeError, '"half-open"');
  });
});
