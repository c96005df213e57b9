// Two transactions that lock the same two rows in opposite orders: InnoDB kills one with a
// deadlock (1213); pool.transaction reruns it and both commit.
import { expect } from 'chai';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import type { PoolConnection } from 'mysql2/promise';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import { invariantNames, watchUnhandledRejections } from './invariants.js';
import { rawQuery } from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';

/** A one-shot barrier: both parties wait until both arrived (later calls pass at once). */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}

describe('DatabasePool (chaos: deadlock between two transactions)', function () {
  this.timeout(30_000);
  let server: MariaDbServer;

  before(async () => {
    server = await MariaDbServer.start();
    await rawQuery(server, 'DROP TABLE IF EXISTS accounts');
    await rawQuery(
      server,
      'CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL) ENGINE=InnoDB',
    );
    await rawQuery(server, 'INSERT INTO accounts VALUES (1, 100), (2, 100)');
  });

  after(async () => {
    await server.stop();
  });

  it('reruns the transaction that lost the deadlock, and both commit', async () => {
    const rejections = watchUnhandledRejections();
    const pool = createDatabasePool({
      host: server.host,
      port: server.port,
      user: 'root',
      database: 'test',
      pool_name: 'chaos-deadlock',
      pool_size: 2,
    });
    const bothHoldOneLock = barrier(2);
    const runs: string[] = [];
    const transfer =
      (name: string, from: number, to: number) =>
      async (tx: PoolConnection, { attempt }: { attempt: number }): Promise<number> => {
        runs.push(`${name}#${attempt}`);
        await tx.execute('UPDATE accounts SET balance = balance - 10 WHERE id = ?', [from]);
        // The first run of each waits until the other holds its first lock: a sure deadlock.
        if (attempt === 1) await bothHoldOneLock();
        await tx.execute('UPDATE accounts SET balance = balance + 10 WHERE id = ?', [to]);
        return attempt;
      };
    try {
      const [a, b] = await Promise.all([
        pool.transaction(transfer('a', 1, 2)),
        pool.transaction(transfer('b', 2, 1)),
      ]);
      // One of them ran twice, the other once.
      expect([a, b].sort()).to.deep.equal([1, 2]);
      expect(pool.metrics().transactionRetries).to.equal(1);
      const rows = (await rawQuery(server, 'SELECT id, balance FROM accounts ORDER BY id')) as {
        id: number;
        balance: number;
      }[];
      // Both transfers applied exactly once: 100 - 10 + 10 on each side.
      expect(rows.map((r) => r.balance)).to.deep.equal([100, 100]);
      await pool.close();
      rejections.assertNone();
      recordScenario({
        target: 'mysql',
        scenario: 'deadlock between two transactions',
        injected:
          'two transactions update rows 1 and 2 in opposite orders, synchronised by a barrier',
        callersSaw: `both committed; runs ${runs.join(', ')}`,
        recoveryMs: null,
        invariants: [
          'the deadlock victim is rerun',
          'both transactions commit exactly once',
          invariantNames.noUnhandledRejection,
        ],
        counts: { transactionRetries: 1 },
      });
    } finally {
      await pool.close({ timeoutMs: 0 });
    }
  });
});
