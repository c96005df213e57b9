import { expect } from 'chai';
import { enableInstantWaits, waitsAreInstant } from '../../src/internal/instantMode.js';

describe('enableInstantWaits', () => {
  it('turns waits off until the returned function restores them', () => {
    expect(waitsAreInstant()).to.equal(false);
    const restore = enableInstantWaits();
    expect(waitsAreInstant()).to.equal(true);
    restore();
    expect(waitsAreInstant()).to.equal(false);
  });

  it('stays on while any of several enables is in force', () => {
    const first = enableInstantWaits();
    const second = enableInstantWaits();
    first();
    expect(waitsAreInstant()).to.equal(true);
    second();
    expect(waitsAreInstant()).to.equal(false);
  });

  it('has an idempotent restore function', () => {
    const first = enableInstantWaits();
    const second = enableInstantWaits();
    first();
    first();
    expect(waitsAreInstant()).to.equal(true);
    second();
    expect(waitsAreInstant()).to.equal(false);
  });
});
