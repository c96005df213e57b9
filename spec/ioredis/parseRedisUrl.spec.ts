import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { parseRedisUrl } from '../../src/ioredis/parseRedisUrl.js';

function failure(text: string): ConfigurationError {
  try {
    parseRedisUrl(text, 'REDIS_URL');
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parseRedisUrl', () => {
  describe('a redis:// URL', () => {
    it('gives host, port, database, user and percent-decoded password', () => {
      const { options, display } = parseRedisUrl('redis://app:p%40ss@cache.internal:6380/2', 'url');
      expect(options).to.deep.equal({
        host: 'cache.internal',
        port: 6380,
        db: 2,
        username: 'app',
        password: 'p@ss',
      });
      expect(display).to.equal('redis://cache.internal:6380/2');
    });

    it('defaults the port to 6379 and leaves the database to ioredis', () => {
      expect(parseRedisUrl('redis://localhost', 'url').options).to.deep.equal({
        host: 'localhost',
        port: 6379,
      });
    });

    it('takes a password without a user (redis://:pass@host)', () => {
      expect(parseRedisUrl('redis://:secret@h', 'url').options).to.include({ password: 'secret' });
    });

    it('turns query parameters into options, as ioredis does', () => {
      expect(parseRedisUrl('redis://h?family=6&connectionName=api', 'url').options).to.include({
        family: 6,
        connectionName: 'api',
      });
    });

    it('strips the brackets of an IPv6 address', () => {
      const { options, display } = parseRedisUrl('redis://[::1]:7000', 'url');
      expect(options.host).to.equal('::1');
      expect(display).to.equal('redis://[::1]:7000');
    });
  });

  describe('a rediss:// URL', () => {
    it('switches TLS on', () => {
      expect(parseRedisUrl('rediss://h:6380', 'url').options).to.deep.include({ tls: {} });
    });
  });

  describe('a socket path', () => {
    it('gives the path', () => {
      expect(parseRedisUrl('/run/redis.sock?db=3', 'url').options).to.deep.equal({
        path: '/run/redis.sock',
        db: 3,
      });
    });
  });

  describe('a malformed URL', () => {
    for (const text of [
      'http://h',
      'h:6379',
      'redis://h/x',
      'redis://h/-1',
      'redis://h:99999',
      'redis://h#frag',
    ]) {
      it(`refuses ${text} with a ConfigurationError naming the variable`, () => {
        const error = failure(text);
        expect(error.option).to.equal('REDIS_URL');
        expect(error.message).to.contain('REDIS_URL');
      });
    }

    it('never shows the text, only its scheme and what is wrong', () => {
      const error = failure('redis://:hunter2-secret@h/notanumber');
      expect(error.message).to.not.contain('hunter2');
      expect(error.message).to.contain('"redis://"');
      expect(error.message).to.contain('the database index is not a whole number');
    });
  });

  describe('a text starting with "/" that is not a socket path', () => {
    for (const text of ['//root:hunter2@127.0.0.1:6379', '/tmp/x:hunter2@h']) {
      it(`refuses ${text} instead of opening it as a socket path`, () => {
        const error = failure(text);
        expect(error.option).to.equal('REDIS_URL');
        expect(error.message).to.contain('looks like a URL without its scheme');
        expect(error.message).to.not.contain('hunter2');
      });
    }
  });
});
