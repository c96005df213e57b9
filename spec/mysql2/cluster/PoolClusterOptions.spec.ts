import { expect } from 'chai';
import { ConfigurationError } from '../../../src/errors/ConfigurationError.js';
import {
  type PoolClusterOptions,
  parsePoolClusterOptions,
} from '../../../src/mysql2/cluster/PoolClusterOptions.js';

describe('parsePoolClusterOptions', () => {
  it('fills in the defaults', () => {
    expect(parsePoolClusterOptions()).to.include({
      name: 'mysql-cluster',
      canRetry: true,
      restoreNodeTimeout: 5000,
      defaultSelector: 'RR',
      checkoutTimeoutMs: 10_000,
      roleCheckIntervalMs: 500,
    });
  });

  it('ignores keys neither holdfast nor mysql2 knows (TypeORM passes its whole replication object)', () => {
    const typeorm = { master: { host: 'a' }, slaves: [], selector: 'RR', removeNodeErrorCount: 3 };
    expect(parsePoolClusterOptions(typeorm).defaultSelector).to.equal('RR');
  });

  it('takes a selector in any case, as mysql2 does', () => {
    expect(parsePoolClusterOptions({ defaultSelector: 'order' }).defaultSelector).to.equal('ORDER');
  });

  const malformed: [string, PoolClusterOptions][] = [
    ['defaultSelector', { defaultSelector: 'FIRST' }],
    ['checkoutTimeoutMs', { checkoutTimeoutMs: 0 }],
    ['roleCheckIntervalMs', { roleCheckIntervalMs: 1.5 }],
    ['restoreNodeTimeout', { restoreNodeTimeout: -1 }],
    ['canRetry', { canRetry: 'yes' as unknown as boolean }],
    ['name', { name: '' }],
  ];
  for (const [option, given] of malformed) {
    it(`throws a ConfigurationError naming \`${option}\` for a malformed value`, () => {
      expect(() => parsePoolClusterOptions(given))
        .to.throw(ConfigurationError)
        .with.property('option', option);
    });
  }
});
