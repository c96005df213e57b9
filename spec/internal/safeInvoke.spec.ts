import { expect } from 'chai';
import { safeInvoke } from '../../src/internal/safeInvoke.js';

describe('safeInvoke', () => {
  it("returns the callback's value", () => {
    expect(safeInvoke(() => 42)).to.equal(42);
  });

  it('returns undefined and tells onError when the callback throws', () => {
    const boom = new Error('user hook failed');
    const seen: unknown[] = [];
    const result = safeInvoke<number>(
      () => {
        throw boom;
      },
      (error) => seen.push(error),
    );
    expect(result).to.equal(undefined);
    expect(seen).to.deep.equal([boom]);
  });

  it('swallows a throwing callback when there is no onError', () => {
    expect(
      safeInvoke<number>(() => {
        throw new Error('x');
      }),
    ).to.equal(undefined);
  });

  it('swallows an onError that throws too', () => {
    expect(
      safeInvoke<number>(
        () => {
          throw new Error('x');
        },
        () => {
          throw new Error('reporter failed');
        },
      ),
    ).to.equal(undefined);
  });

  it('does not call onError when the callback succeeds', () => {
    let called = false;
    safeInvoke(
      () => 1,
      () => (called = true),
    );
    expect(called).to.equal(false);
  });
});
