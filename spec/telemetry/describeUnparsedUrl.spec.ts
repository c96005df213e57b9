import { expect } from 'chai';
import { describeUnparsedUrl } from '../../src/telemetry/describeUnparsedUrl.js';

describe('describeUnparsedUrl', () => {
  it('shows a known scheme with the punctuation after it, and the length', () => {
    expect(describeUnparsedUrl('mysql:/root:pw@db/shop')).to.equal(
      'a URL starting "mysql:/" (22 characters; the rest is not shown, it may hold a password)',
    );
    expect(describeUnparsedUrl('redis//:pw@h')).to.include('"redis//"');
    expect(describeUnparsedUrl('REDISS://:pw@h')).to.include('"REDISS://"');
  });

  for (const text of [
    'pw@host',
    'root:pw@host',
    'hunter2/x',
    'mysqlpw@h',
    '//root:pw@h:1',
    ':pw@h',
  ]) {
    it(`shows nothing of ${text}: no known scheme in front`, () => {
      const shown = describeUnparsedUrl(text);
      expect(shown).to.equal(
        `a value of ${text.length} characters (not shown: it may hold a password)`,
      );
    });
  }

  it('says "character" for one', () => {
    expect(describeUnparsedUrl('x')).to.equal(
      'a value of 1 character (not shown: it may hold a password)',
    );
  });
});
