import { expect } from 'chai';
import type sinon from 'sinon';
import { createPool as createCallbackPool } from '../../src/mysql2/createPool.js';
import type { HoldfastPool, HoldfastPromisePool } from '../../src/mysql2/HoldfastPool.js';
import { createPool } from '../../src/mysql2/promise.js';
import { FakeMysqlServer, fakeTime } from '../helpers/fakeMysqlServer.js';
import { settled } from '../helpers/settled.js';

const config = (server: FakeMysqlServer) =>
  ({
    user: 'app',
    stream: server.stream,
    connectionLimit: 2,
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 100, jitter: 'none' },
  }) as const;

type Method = 'query' | 'execute';
type Statement = string | { sql: string; idempotent?: boolean };

// [statement, re-sent after the connection died under it?]
const rules: readonly [Statement, boolean][] = [
  ['SELECT 1', true],
  [{ sql: 'SELECT 1' }, true],
  ['INSERT INTO t VALUES (1)', false],
  [{ sql: 'INSERT INTO t VALUES (1)' }, false],
  [{ sql: 'INSERT INTO t VALUES (1)', idempotent: true }, true],
  [{ sql: 'SELECT 1', idempotent: false }, false],
];

function send(pool: HoldfastPromisePool, method: Method, statement: Statement): Promise<unknown> {
  if (typeof statement === 'string') {
    return method === 'query' ? pool.query(statement) : pool.execute(statement);
  }
  return method === 'query' ? pool.query(statement) : pool.execute(statement);
}

describe('poolStatements (re-send rules, fake server and fake time)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeMysqlServer;
  let pools: { close(options?: { timeoutMs?: number }): Promise<void> }[];
  beforeEach(() => {
    clock = fakeTime();
    server = new FakeMysqlServer();
    // The first connection dies under its first statement; the next ones answer.
    server.answer = (_sql, connection) => (connection.id === 1 ? 'kill' : 'reply');
    pools = [];
  });
  afterEach(async () => {
    const closing = Promise.all(pools.map((p) => p.close({ timeoutMs: 0 })));
    await clock.tickAsync(2000);
    await closing;
    clock.restore();
  });

  const promisePool = (): HoldfastPromisePool => {
    const pool = createPool(config(server));
    pools.push(pool);
    return pool;
  };

  for (const method of ['query', 'execute'] as const satisfies readonly Method[]) {
    for (const [statement, resent] of rules) {
      const shown = JSON.stringify(statement);
      it(`${method}(${shown}) ${resent ? 'is re-sent on a new connection' : 'is not re-sent: OutcomeUnknownError'} when its connection dies`, async () => {
        const pool = promisePool();
        const sql = typeof statement === 'string' ? statement : statement.sql;
        const result = settled(send(pool, method, statement));
        await clock.tickAsync(1000);
        if (resent) {
          expect(result.state).to.equal('resolved');
          expect(server.statements).to.deep.equal([sql, sql]);
          expect(pool.metrics().statementRetries).to.equal(1);
        } else {
          expect(result.state).to.equal('rejected');
          expect(result.error).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
          expect((result.error as Error).cause).to.have.property(
            'code',
            'PROTOCOL_CONNECTION_LOST',
          );
          expect(server.statements).to.deep.equal([sql]);
        }
        // The connection that died is never handed out again.
        expect(pool.metrics().size).to.equal(1);
      });
    }
  }

  describe('the callback form', () => {
    const callbackPool = (): HoldfastPool => {
      const pool = createCallbackPool(config(server));
      pools.push(pool);
      return pool;
    };
    const call = (pool: HoldfastPool, method: Method, sql: string) =>
      settled(
        new Promise<unknown>((resolve, reject) => {
          pool[method](sql, (error: Error | null, rows: unknown) => {
            if (error) reject(error);
            else resolve(rows);
          });
        }),
      );

    for (const method of ['query', 'execute'] as const) {
      it(`${method}(sql, callback) re-sends a read and answers with mysql2's rows`, async () => {
        const result = call(callbackPool(), method, 'SELECT 1');
        await clock.tickAsync(1000);
        expect(result.state).to.equal('resolved');
        expect(server.statements).to.deep.equal(['SELECT 1', 'SELECT 1']);
      });

      it(`${method}(sql, callback) reports a write in flight as OutcomeUnknownError`, async () => {
        const result = call(callbackPool(), method, 'DELETE FROM t');
        await clock.tickAsync(1000);
        expect(result.error).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
        expect(server.statements).to.deep.equal(['DELETE FROM t']);
      });
    }
  });
});
