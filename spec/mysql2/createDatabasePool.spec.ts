import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import type { DatabasePoolConfig } from '../../src/mysql2/DatabasePoolConfig.js';

describe('createDatabasePool', () => {
  it('throws ConfigurationError synchronously for a typo, before anything connects', () => {
    expect(() =>
      createDatabasePool({ host: '127.0.0.1', pool_sise: 3 } as unknown as DatabasePoolConfig),
    ).to.throw(ConfigurationError);
  });

  it('returns an idle pool that opens nothing until asked', async () => {
    // Port 1 on loopback: any connect attempt would be refused, none is made.
    const pool = createDatabasePool({ host: '127.0.0.1', port: 1, pool_name: 'lazy' });
    expect(pool.state.status).to.equal('idle');
    expect(pool.name).to.equal('lazy');
    await pool.close();
    expect(pool.state.status).to.equal('closed');
  });
});
