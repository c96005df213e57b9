import { expect } from 'chai';
import sinon from 'sinon';
import { isUnsent } from '../../src/classify/unsent.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { DatabasePool } from '../../src/mysql2/DatabasePool.js';
import { QueryTimeoutError } from '../../src/errors/QueryTimeoutError.js';
import { codeError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { seqRandom } from '../helpers/seqRandom.js';
import {
  type FakeConnection,
  type Reply,
  FakeServer,
  closedStateError,
  fakeDatabasePool,
} from './fakeDriver.js';

const insert = 'INSERT INTO orders (id) VALUES (?)';

describe('runStatement (pool.query / pool.execute)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  let pool: DatabasePool;

  beforeEach(async () => {
    clock = sinon.useFakeTimers();
    server = new FakeServer();
    pool = fakeDatabasePool(server, {
      retry: { maxRetries: 2, baseDelayMs: 100 },
      random: seqRandom([0.5]),
      queryTimeoutMs: 1000,
    });
    await pool.ready();
  });

  afterEach(async () => {
    const closing = pool.close({ timeoutMs: 0 });
    await clock.runAllAsync();
    await closing;
    clock.restore();
  });

  /** The first run of `sql` hangs (so a test can kill its connection); later runs answer. */
  function hangFirst(sql: string, later: Reply = { result: [{ ok: 1 }] }): () => FakeConnection {
    let hung: FakeConnection | undefined;
    server.reply = (text, connection) => {
      if (text !== sql) return { result: [] };
      if (hung === undefined) {
        hung = connection;
        return 'hang';
      }
      return later;
    };
    return () => {
      if (hung === undefined) throw new Error(`${sql} never ran`);
      return hung;
    };
  }

  describe('after the connection is lost mid-statement', () => {
    it('sends a read again on a fresh connection', async () => {
      const hung = hangFirst('SELECT * FROM orders');
      const call = settled(pool.query('SELECT * FROM orders'));
      await clock.tickAsync(0);
      hung().kill();
      await clock.tickAsync(0);
      expect(call.state).to.equal('resolved');
      expect(server.userStatements()).to.deep.equal([
        'SELECT * FROM orders',
        'SELECT * FROM orders',
      ]);
      expect(pool.metrics()).to.include({ statementRetries: 1 });
    });

    it('never sends a write again: OutcomeUnknownError with the driver error as cause', async () => {
      const hung = hangFirst(insert);
      const call = settled(pool.query(insert, [1]));
      await clock.tickAsync(0);
      hung().kill();
      await clock.tickAsync(0);
      expect(call.error).to.be.instanceOf(OutcomeUnknownError);
      expect(call.error).to.include({ operation: 'INSERT INTO orders' });
      expect((call.error as OutcomeUnknownError).cause).to.include({
        code: 'PROTOCOL_CONNECTION_LOST',
      });
      expect(server.userStatements()).to.deep.equal([insert]);
    });

    it('sends a write marked idempotent: true again', async () => {
      const hung = hangFirst(insert);
      const call = settled(pool.execute(insert, [1], { idempotent: true }));
      await clock.tickAsync(0);
      hung().kill();
      await clock.tickAsync(0);
      expect(call.state).to.equal('resolved');
      expect(server.userStatements()).to.deep.equal([insert, insert]);
    });

    it('does not send a read marked idempotent: false again', async () => {
      const hung = hangFirst('SELECT GET_LOCK(?, 0)');
      const call = settled(pool.query('SELECT GET_LOCK(?, 0)', ['x'], { idempotent: false }));
      await clock.tickAsync(0);
      hung().kill();
      await clock.tickAsync(0);
      expect(call.error).to.be.instanceOf(OutcomeUnknownError);
    });

    it('treats SELECT ... FOR UPDATE as a write', async () => {
      const sql = 'SELECT * FROM orders WHERE id = 1 FOR UPDATE';
      const hung = hangFirst(sql);
      const call = settled(pool.query(sql));
      await clock.tickAsync(0);
      hung().kill();
      await clock.tickAsync(0);
      expect(call.error).to.be.instanceOf(OutcomeUnknownError);
    });
  });

  describe('before the statement was sent', () => {
    it("sends a write again after mysql2's closed-state refusal (it was never written)", async () => {
      let refusals = 0;
      server.reply = (sql) =>
        sql === insert && refusals++ === 0 ? { error: closedStateError() } : { result: [] };
      const call = settled(pool.query(insert, [1]));
      await clock.tickAsync(0);
      expect(call.state).to.equal('resolved');
      expect(pool.metrics()).to.include({ statementRetries: 1, destroyed: 1 });
    });
  });

  describe('a statement that passes queryTimeoutMs', () => {
    it('destroys its connection; a write becomes OutcomeUnknownError caused by QueryTimeoutError', async () => {
      hangFirst(insert);
      const call = settled(pool.query(insert, [1]));
      await clock.tickAsync(999);
      expect(call.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(call.error).to.be.instanceOf(OutcomeUnknownError);
      const cause = (call.error as OutcomeUnknownError).cause;
      expect(cause).to.be.instanceOf(QueryTimeoutError);
      expect(cause).to.include({ code: 'ERR_HOLDFAST_QUERY_TIMEOUT', timeoutMs: 1000 });
      expect(server.connections[0]?.alive).to.equal(false);
      expect(pool.metrics()).to.include({ queryTimeouts: 1, size: 0 });
    });

    it('sends a read again, on another connection', async () => {
      hangFirst('SELECT 1');
      const call = settled(pool.query('SELECT 1'));
      await clock.tickAsync(1000);
      expect(call.state).to.equal('resolved');
      expect(server.connectAttempts).to.equal(2);
    });
  });

  describe('errors that end the call', () => {
    it('throws a fatal error (syntax error 1064) as it is, once', async () => {
      const syntax = codeError('ER_PARSE_ERROR', 1064, 'You have an error in your SQL syntax');
      server.reply = () => ({ error: syntax });
      const call = settled(pool.query('SELEKT 1'));
      await clock.tickAsync(0);
      expect(call.error).to.equal(syntax);
      expect(server.userStatements()).to.have.length(1);
    });

    it('does not retry a deadlock on a single statement (only a whole transaction reruns)', async () => {
      const deadlock = codeError('ER_LOCK_DEADLOCK', 1213);
      server.reply = (sql) => (sql === insert ? { error: deadlock } : { result: [] });
      const call = settled(pool.query(insert, [1], { idempotent: true }));
      await clock.tickAsync(0);
      expect(call.error).to.equal(deadlock);
    });

    it('gives a read that keeps failing RetriesExhaustedError after maxRetries re-sends', async () => {
      server.reply = (sql, connection) => {
        if (sql === 'SELECT 1') {
          void Promise.resolve().then(() => {
            connection.kill();
          });
        }
        return sql === 'SELECT 1' ? 'hang' : { result: [] };
      };
      const call = settled(pool.query('SELECT 1'));
      await clock.tickAsync(0);
      expect(call.error).to.be.instanceOf(RetriesExhaustedError);
      expect(call.error).to.include({ attempts: 3, target: 'fake' });
      expect((call.error as Error).cause).to.include({ code: 'PROTOCOL_CONNECTION_LOST' });
      expect(isUnsent(call.error)).to.equal(false);
    });

    it('waits the backoff before re-sending after a throttled error', async () => {
      let busy = true;
      server.reply = (sql) =>
        sql === 'SELECT 1' && busy
          ? { error: codeError('ER_CON_COUNT_ERROR', 1040) }
          : { result: [] };
      const call = settled(pool.query('SELECT 1'));
      await clock.tickAsync(0);
      busy = false;
      // Retry 1 waits 100 ms x throttledDelayFactor 2.
      await clock.tickAsync(199);
      expect(call.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(call.state).to.equal('resolved');
    });
  });
});
