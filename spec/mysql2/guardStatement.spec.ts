import { expect } from 'chai';
import type sinon from 'sinon';
import type { HoldfastPromisePool } from '../../src/mysql2/HoldfastPool.js';
import { createPool } from '../../src/mysql2/promise.js';
import { FakeMysqlServer, fakeTime } from '../helpers/fakeMysqlServer.js';
import { settled } from '../helpers/settled.js';

describe('guardStatement (a checked-out connection, fake server and fake time)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeMysqlServer;
  let pool: HoldfastPromisePool;
  beforeEach(() => {
    clock = fakeTime();
    server = new FakeMysqlServer();
    pool = createPool({ user: 'app', stream: server.stream, queryTimeoutMs: 1000 });
  });
  afterEach(async () => {
    const closing = pool.close({ timeoutMs: 0 });
    await clock.tickAsync(2000);
    await closing;
    clock.restore();
  });

  describe('queryTimeoutMs', () => {
    it('fails a read that gets no answer with QueryTimeoutError at the limit, and destroys its connection', async () => {
      server.answer = () => 'hang';
      const connection = await pool.getConnection();
      const read = settled(connection.query('SELECT SLEEP(5)'));
      await clock.tickAsync(999);
      expect(read.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(read.error).to.have.property('code', 'ERR_HOLDFAST_QUERY_TIMEOUT');
      expect(pool.metrics()).to.include({ queryTimeouts: 1, destroyed: 1 });
      connection.release();
      server.answer = () => 'reply';
      const next = await pool.getConnection();
      expect(next.threadId).to.not.equal(connection.threadId);
      next.release();
    });

    it('reports a write that gets no answer as OutcomeUnknownError caused by the timeout', async () => {
      server.answer = () => 'hang';
      const connection = await pool.getConnection();
      const write = settled(connection.execute('UPDATE t SET a = 1'));
      await clock.tickAsync(1000);
      expect(write.error).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
      expect((write.error as Error).cause).to.have.property('code', 'ERR_HOLDFAST_QUERY_TIMEOUT');
      connection.release();
    });

    it('leaves no timer behind a statement that was answered', async () => {
      const connection = await pool.getConnection();
      await connection.query('SELECT 1');
      connection.release();
      expect(clock.countTimers()).to.equal(0);
    });
  });

  describe('a connection that died under a statement', () => {
    it('is destroyed: released by its holder, it is never handed out again', async () => {
      server.answer = (_sql, connection) => (connection.id === 1 ? 'kill' : 'reply');
      const connection = await pool.getConnection();
      const write = settled(connection.query('INSERT INTO t VALUES (1)'));
      await clock.tickAsync(0);
      expect(write.error).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
      connection.release();
      await clock.tickAsync(100);
      const next = await pool.getConnection();
      expect(next.threadId).to.not.equal(connection.threadId);
      await next.query('SELECT 1');
      next.release();
      // A statement on a connection the caller holds is never re-sent (the session is theirs).
      expect(server.statements).to.deep.equal(['INSERT INTO t VALUES (1)', 'SELECT 1']);
    });

    it('passes a read through as the driver error, marked retryable for the caller', async () => {
      server.answer = () => 'kill';
      const connection = await pool.getConnection();
      const read = settled(connection.query('SELECT 1'));
      await clock.tickAsync(0);
      expect(read.error).to.have.property('code', 'PROTOCOL_CONNECTION_LOST');
      connection.release();
    });
  });
});
