import { expect } from 'chai';
import sinon from 'sinon';
import { isUnsent } from '../../src/classify/unsent.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import type { DatabasePool } from '../../src/mysql2/DatabasePool.js';
import { QueryTimeoutError } from '../../src/errors/QueryTimeoutError.js';
import { settled } from '../helpers/settled.js';
import { FakeServer, fakeDatabasePool } from './fakeDriver.js';

describe('PooledConnection', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  let pool: DatabasePool;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    server = new FakeServer();
    pool = fakeDatabasePool(server, { queryTimeoutMs: 300 });
  });

  afterEach(async () => {
    const closing = pool.close({ timeoutMs: 0 });
    await clock.runAllAsync();
    await closing;
    clock.restore();
  });

  describe('query', () => {
    it('does not retry, and destroys the connection when queryTimeoutMs passes', async () => {
      const connection = await pool.getConnection();
      server.reply = () => 'hang';
      const call = settled(connection.query('SELECT SLEEP(10)'));
      await clock.tickAsync(300);
      expect(call.error).to.be.instanceOf(QueryTimeoutError);
      expect(call.error).to.include({ operation: 'SELECT SLEEP', timeoutMs: 300 });
      expect(connection.usable).to.equal(false);
      connection.release();
      expect(pool.metrics()).to.include({ size: 0, used: 0, queryTimeouts: 1 });
      expect(server.userStatements()).to.deep.equal(['SELECT SLEEP(10)']);
    });

    it('refuses, unsent, on a connection that died', async () => {
      const connection = await pool.getConnection();
      server.connections[0]?.kill();
      const call = settled(connection.query('INSERT INTO t VALUES (1)'));
      await clock.tickAsync(0);
      expect(call.error).to.include({ code: 'PROTOCOL_CONNECTION_LOST' });
      expect(isUnsent(call.error)).to.equal(true);
      connection.release();
    });
  });

  describe('release', () => {
    it('is idempotent, and the connection refuses statements afterwards', async () => {
      const connection = await pool.getConnection();
      connection.release();
      connection.release();
      expect(pool.metrics()).to.include({ used: 0, idle: 1 });
      const call = settled(connection.execute('SELECT 1'));
      await clock.tickAsync(0);
      expect(isHoldfastError(call.error) && call.error.code).to.equal('ERR_HOLDFAST_CLOSED');
    });
  });

  describe('destroy', () => {
    it('closes the connection instead of returning it', async () => {
      const connection = await pool.getConnection();
      connection.destroy();
      expect(pool.metrics()).to.include({ used: 0, size: 0, destroyed: 1 });
    });
  });
});
