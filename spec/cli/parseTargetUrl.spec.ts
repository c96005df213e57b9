import { expect } from 'chai';
import { parseTargetUrl } from '../../src/cli/parseTargetUrl.js';
import { UsageError } from '../../src/cli/UsageError.js';

function usageError(text: string): UsageError {
  try {
    parseTargetUrl(text);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('parseTargetUrl', () => {
  describe('mysql://', () => {
    it('reads user, password, host, port and database', () => {
      expect(parseTargetUrl('mysql://app:s3cret@db.internal:3307/shop')).to.deep.equal({
        kind: 'mysql',
        host: 'db.internal',
        port: 3307,
        user: 'app',
        password: 's3cret',
        database: 'shop',
        display: 'mysql://app:***@db.internal:3307/shop',
      });
    });

    it('defaults the port to 3306 and leaves absent parts undefined', () => {
      const url = parseTargetUrl('mysql://127.0.0.1');
      expect(url).to.include({ kind: 'mysql', host: '127.0.0.1', port: 3306 });
      expect(url).to.include({ user: undefined, password: undefined, database: undefined });
      expect(url.display).to.equal('mysql://127.0.0.1:3306');
    });

    it('decodes percent-escapes in the password and database', () => {
      const url = parseTargetUrl('mysql://root:p%40ss%3Aw0rd@localhost/my%20db');
      expect(url).to.include({ password: 'p@ss:w0rd', database: 'my db' });
      expect(url.display).to.equal('mysql://root:***@localhost:3306/my%20db');
    });

    it('accepts an IPv6 host in brackets', () => {
      const url = parseTargetUrl('mysql://root@[::1]:3306/test');
      expect(url).to.include({ host: '::1', port: 3306 });
      expect(url.display).to.equal('mysql://root@[::1]:3306/test');
    });
  });

  describe('redis:// and rediss://', () => {
    it('reads a password without a user and the database index', () => {
      expect(parseTargetUrl('redis://:hunter2@cache:6380/4')).to.deep.equal({
        kind: 'redis',
        tls: false,
        host: 'cache',
        port: 6380,
        username: undefined,
        password: 'hunter2',
        db: 4,
        display: 'redis://:***@cache:6380/4',
      });
    });

    it('reads an ACL user name', () => {
      expect(parseTargetUrl('redis://worker:pw@cache')).to.include({
        username: 'worker',
        password: 'pw',
        db: 0,
        port: 6379,
      });
    });

    it('marks rediss:// as TLS', () => {
      const url = parseTargetUrl('rediss://cache.example.com');
      expect(url).to.include({ kind: 'redis', tls: true, port: 6379 });
      expect(url.display).to.equal('rediss://cache.example.com:6379');
    });

    it('accepts an upper-case scheme', () => {
      expect(parseTargetUrl('REDIS://127.0.0.1').kind).to.equal('redis');
    });
  });

  describe('a malformed URL', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['postgres://u:topsecret@h/db', 'an unsupported scheme'],
      ['127.0.0.1:6379', 'no scheme'],
      ['mysql://u:topsecret@h:abc/db', 'a port that is not a number'],
      ['mysql://u:topsecret@h:70000/db', 'a port above 65535'],
      ['redis://:topsecret@h:0', 'port 0'],
      ['mysql://u:topsecret@/db', 'no host'],
      ['mysql://u:topsecret@h/a/b', 'two path segments'],
      ['redis://:topsecret@h/cache', 'a Redis database that is not a number'],
      ['redis://:topsecret@h/99999999999', 'a Redis database too large'],
      ['mysql://u:topsecret@h/db?ssl=true', 'a query string'],
      ['mysql://u:topsecret@h/db#x', 'a fragment'],
      ['mysql://u:top%ZZsecret@h/db', 'a malformed %-escape'],
    ];
    for (const [text, what] of cases) {
      it(`is a UsageError without the password: ${what}`, () => {
        const error = usageError(text);
        expect(error.code).to.equal('ERR_HOLDFAST_CLI_USAGE');
        expect(error.message).to.not.include('topsecret');
        expect(error.message).to.not.include('secret');
      });
    }

    it('refuses a password that holds an unescaped @, showing none of it', () => {
      const error = usageError('mysql://u:top@secret@h:3306/db');
      expect(error.message).to.not.include('secret');
      expect(error.message).to.include('unescaped "@" (write it as %40)');
    });

    it('shows only the scheme and the length of the text, and what is wrong', () => {
      expect(usageError('mysql://u:topsecret@h:abc/db').message).to.equal(
        'Invalid target URL, a URL starting "mysql://" (28 characters; the rest is not shown, it may hold a password): the port is not a number. Expected mysql://user:pass@host:port/db or redis://[:pass@]host:port[/db].',
      );
    });
  });
});
