import { expect } from 'chai';
import { parseCredentialUrl } from '../../src/internal/parseCredentialUrl.js';

describe('parseCredentialUrl', () => {
  describe('a well-formed URL', () => {
    it('gives scheme, host and the decoded user and password', () => {
      const parsed = parseCredentialUrl('Redis://app:p%40ss%3Aw@[::1]:6380/2');
      expect(parsed.ok).to.equal(true);
      if (!parsed.ok) return;
      expect(parsed).to.include({
        scheme: 'redis',
        host: '::1',
        username: 'app',
        password: 'p@ss:w',
      });
      expect(parsed.url.port).to.equal('6380');
    });

    it('gives empty strings for absent credentials', () => {
      expect(parseCredentialUrl('mysql://db/shop')).to.include({
        ok: true,
        username: '',
        password: '',
      });
    });
  });

  describe('a URL that cannot be used', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['mysql:/root:pw@db/shop', 'does not start with a scheme and "://"'],
      ['//root:pw@db:3306', 'does not start with a scheme and "://"'],
      ['mysql://root:p@w@db/shop', 'unescaped "@"'],
      ['mysql://root@@pw@db/shop', 'unescaped "@"'],
      ['mysql://root:pw@db:33o6/shop', 'the port is not a number'],
      ['mysql://root:pw@db:70000/shop', 'the port is above 65535'],
      ['mysql://root:pw@[::1:3306/shop', 'no closing "]"'],
      ['mysql://root:pw@/shop', 'the host is missing'],
      ['mysql://root:p%ZZw@db/shop', 'malformed %-escape'],
      ['mysql://root:pw@db shop', 'not a well-formed URL'],
    ];
    for (const [text, why] of cases) {
      it(`refuses ${text}: ${why}`, () => {
        const parsed = parseCredentialUrl(text);
        expect(parsed.ok).to.equal(false);
        if (parsed.ok) return;
        expect(parsed.why).to.include(why);
        expect(parsed.why).to.not.include('pw');
      });
    }
  });
});
