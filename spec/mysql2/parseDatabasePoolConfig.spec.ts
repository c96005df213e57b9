import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import type { DatabasePoolConfig } from '../../src/mysql2/DatabasePoolConfig.js';
import { parseDatabasePoolConfig } from '../../src/mysql2/parseDatabasePoolConfig.js';
import { testPasswords } from '../helpers/secretScan.js';

function configError(config: unknown, env: Record<string, string> = {}): ConfigurationError {
  try {
    parseDatabasePoolConfig(config as DatabasePoolConfig, env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseDatabasePoolConfig', () => {
  describe('defaults', () => {
    it('fills in the reference design and holdfast defaults', () => {
      const config = parseDatabasePoolConfig({ host: 'db' }, {});
      expect(config).to.include({
        name: 'mysql',
        connectionLimit: 10,
        queryTimeoutMs: 10_000,
        checkoutTimeoutMs: 10_000,
        idleValidationMs: 1000,
      });
      expect(config.manager).to.include({ name: 'mysql', connectTimeoutMs: 10_000 });
      expect(config.retry).to.include({ maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000 });
      expect(config.target).to.deep.equal({
        name: 'mysql',
        system: 'mysql',
        address: 'db',
        port: 3306,
      });
    });

    it('hands mysql2 the connection limit and its own queue options', () => {
      const config = parseDatabasePoolConfig({ pool_size: 4, queueLimit: 7, host: 'db' }, {});
      expect(config.driverOptions).to.include({
        host: 'db',
        connectionLimit: 4,
        queueLimit: 7,
        connectTimeout: 10_000,
      });
      expect(Object.isFrozen(config.driverOptions)).to.equal(true);
    });
  });

  describe('the reference design keys', () => {
    it('accepts pool_name / pool_size and their camelCase forms', () => {
      expect(parseDatabasePoolConfig({ pool_name: 'a', pool_size: 3 }, {})).to.include({
        name: 'a',
        connectionLimit: 3,
      });
      expect(parseDatabasePoolConfig({ poolName: 'b', poolSize: 5 }, {})).to.include({
        name: 'b',
        connectionLimit: 5,
      });
      expect(parseDatabasePoolConfig({ connectionLimit: 6 }, {}).connectionLimit).to.equal(6);
    });

    it('refuses two spellings that disagree', () => {
      expect(configError({ pool_size: 3, poolSize: 4 }).option).to.equal('poolSize');
      expect(configError({ pool_size: 3, connectionLimit: 4 }).option).to.equal('connectionLimit');
      expect(parseDatabasePoolConfig({ pool_size: 3, poolSize: 3 }, {}).connectionLimit).to.equal(
        3,
      );
    });

    it('refuses a pool size below 1 and an empty name', () => {
      expect(configError({ pool_size: 0 }).option).to.equal('pool_size');
      expect(configError({ pool_name: '' }).option).to.equal('pool_name');
    });
  });

  describe('retry', () => {
    it('merges explicit options over DB_RETRY_* over the defaults', () => {
      const env = { DB_RETRY_MAX_ATTEMPTS: '5', DB_RETRY_BASE_DELAY: '2' };
      const config = parseDatabasePoolConfig({ retry: { baseDelayMs: 300 } }, env);
      expect(config.retry).to.include({ maxRetries: 5, baseDelayMs: 300, maxDelayMs: 30_000 });
    });

    it('names a malformed environment variable', () => {
      expect(configError({}, { DB_RETRY_BASE_DELAY: 'soon' }).option).to.equal(
        'DB_RETRY_BASE_DELAY',
      );
    });

    it('refuses an unknown retry key (a typo)', () => {
      expect(configError({ retry: { maxRetriez: 3 } }).option).to.equal('maxRetriez');
    });
  });

  describe('unknown and malformed keys', () => {
    it('refuses a key that is neither a mysql2 nor a holdfast option', () => {
      const error = configError({ host: 'db', conectTimeout: 100 });
      expect(error.option).to.equal('conectTimeout');
      expect(error.message).to.match(/conectTimeout/);
    });

    it('refuses the mysql2 options holdfast owns', () => {
      for (const key of ['Promise', 'pool', 'isServer', 'authSwitchHandler']) {
        expect(configError({ [key]: {} }).option).to.equal(key);
      }
    });

    const malformed: [string, unknown][] = [
      ['connectTimeout', -1],
      ['connectTimeout', 2 ** 31],
      ['pool_size', 1.5],
      ['name', 5],
      ['queryTimeoutMs', 0],
      ['checkoutTimeoutMs', Number.NaN],
      ['idleValidationMs', -1],
      ['classifierRules', ['not a function']],
      ['retry', 3],
    ];
    for (const [key, value] of malformed) {
      it(`refuses ${key}: ${String(value)}`, () => {
        expect(configError({ [key]: value }).option).to.equal(key);
      });
    }

    it("leaves mysql2's values to mysql2, and never puts a password in a message", () => {
      const config = parseDatabasePoolConfig({ port: 70_000, ssl: 'Amazon RDS' }, {});
      expect(config.driverOptions).to.include({ port: 70_000, ssl: 'Amazon RDS' });
      const typo = configError({ pasword: testPasswords.mysql });
      expect(typo.message).to.not.include(testPasswords.mysql);
    });

    it('describes a URI target without its password, and refuses a URI that does not parse', () => {
      const config = parseDatabasePoolConfig(
        { uri: `mysql://app:${testPasswords.mysql}@db.internal:3307/shop` },
        {},
      );
      expect(config.target).to.include({ address: 'db.internal', port: 3307, namespace: 'shop' });
      const error = configError({ uri: `not a url ${testPasswords.mysql}` });
      expect(error.message).to.not.include(testPasswords.mysql);
    });

    for (const [uri, why] of [
      [`mysql:/root:${testPasswords.mysql}@db/shop`, 'does not start with a scheme'],
      [`postgres://root:${testPasswords.mysql}@db/shop`, 'does not start with mysql://'],
      [`mysql://root@${testPasswords.mysql}@db/shop`, 'unescaped "@"'],
      [`mysql://root:${testPasswords.mysql}@db/shop#x`, 'a #fragment'],
    ] as const) {
      it(`refuses ${uri.replace(testPasswords.mysql, 'PW')} before mysql2 sees it: ${why}`, () => {
        const error = configError({ uri });
        expect(error.option).to.equal('uri');
        expect(error.message).to.include(why);
        expect(error.message).to.not.include('S3cret');
      });
    }

    for (const [key, meant] of [
      ['conectionLimit', 'connectionLimit'],
      ['pool_Size', 'pool_size'],
      ['querytimeoutms', 'queryTimeoutMs'],
      ['hots', 'host'],
      ['pasword', 'password'],
    ] as const) {
      it(`refuses the typo \`${key}\` in one line suggesting \`${meant}\`, listing no options`, () => {
        const error = configError({ [key]: 1 });
        expect(error.option).to.equal(key);
        expect(error.message).to.equal(
          `Unknown option \`${key}\` in createDatabasePool config. Did you mean \`${meant}\`?`,
        );
      });
    }

    it('refuses a key like no option in one line, without the ~65 option names', () => {
      const error = configError({ completelyUnrelated: 1 });
      expect(error.message).to.match(
        /^Unknown option `completelyUnrelated` in createDatabasePool config\. It is none of the \d+ options of createDatabasePool config \(docs\/reference\/options\.md\)\.$/,
      );
    });

    it('refuses a config that is not an object', () => {
      expect(configError('mysql://localhost')).to.be.instanceOf(ConfigurationError);
    });
  });
});
