import { expect } from 'chai';
import { didYouMean, suggestName } from '../../src/internal/suggestName.js';

const redisish = [
  'keyPrefix',
  'retryStrategy',
  'connectTimeout',
  'commandTimeoutMs',
  'db',
  'host',
  'port',
];

describe('suggestName', () => {
  const cases: readonly (readonly [string, string | undefined])[] = [
    ['keyprefix', 'keyPrefix'],
    ['key_prefix', 'keyPrefix'],
    ['KEY-PREFIX', 'keyPrefix'],
    ['retry_strategy', 'retryStrategy'],
    ['keyPrefx', 'keyPrefix'],
    ['conectTimeout', 'connectTimeout'],
    ['commandTimoeutMs', 'commandTimeoutMs'],
    ['hots', 'host'],
    ['d', 'db'],
    ['x', undefined],
    ['password', undefined],
    ['completelyDifferent', undefined],
  ];
  for (const [given, expected] of cases) {
    it(`suggests ${String(expected)} for ${given}`, () => {
      expect(suggestName(given, redisish)).to.equal(expected);
    });
  }

  it('prefers the nearest of several close names', () => {
    expect(suggestName('maxRetriez', ['maxRetries', 'maxDelayMs', 'maxRetry'])).to.equal(
      'maxRetries',
    );
  });
});

describe('didYouMean', () => {
  it('is a sentence with the suggestion, or empty', () => {
    expect(didYouMean('keyprefix', redisish)).to.equal(' Did you mean `keyPrefix`?');
    expect(didYouMean('nothingLikeIt', redisish)).to.equal('');
  });
});
