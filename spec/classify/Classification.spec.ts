import { expect } from 'chai';
import { fatal, isRetryable, throttled, transient } from '../../src/classify/Classification.js';

describe('transient', () => {
  it('is retryable and marks the connection lost unless told otherwise', () => {
    expect(transient('r')).to.deep.equal({ kind: 'transient', reason: 'r', connectionLost: true });
    expect(transient('r', false)).to.deep.equal({
      kind: 'transient',
      reason: 'r',
      connectionLost: false,
    });
    expect(isRetryable(transient('r'))).to.equal(true);
  });
});

describe('throttled', () => {
  it('is retryable and keeps the connection unless told otherwise', () => {
    expect(throttled('r')).to.deep.equal({ kind: 'throttled', reason: 'r', connectionLost: false });
    expect(throttled('r', true)).to.include({ connectionLost: true });
    expect(isRetryable(throttled('r'))).to.equal(true);
  });
});

describe('fatal', () => {
  it('is not retryable', () => {
    expect(fatal('r')).to.deep.equal({ kind: 'fatal', reason: 'r' });
    expect(isRetryable(fatal('r'))).to.equal(false);
  });
});
