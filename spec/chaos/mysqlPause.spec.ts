// DatabasePool against a private mariadbd frozen with SIGSTOP for longer than the query timeout:
// the sockets stay open but nothing answers, the case where an unbounded client hangs forever.
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import {
  assertTransitionsAllowed,
  invariantNames,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { appliedIds, createWritesTable, waitUntil } from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';
import { runLoad } from './runLoad.js';

const queryTimeoutMs = 1000;
const checkoutTimeoutMs = 1500;
const maxRetries = 1;
// A call makes at most maxRetries + 1 attempts, each a checkout and a statement.
const callBoundMs = (maxRetries + 1) * (checkoutTimeoutMs + queryTimeoutMs);
const slackMs = 500;

describe('DatabasePool (chaos: mariadbd paused with SIGSTOP)', function () {
  this.timeout(60_000);
  let server: MariaDbServer;

  before(async () => {
    server = await MariaDbServer.start();
    await createWritesTable(server, 'pause_writes');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.logTail(40));
  });

  after(async () => {
    await server.stop();
  });

  it('lets nothing wait past its deadline, then serves again with zero errors', async () => {
    const rejections = watchUnhandledRejections();
    const pool = createDatabasePool({
      host: server.host,
      port: server.port,
      user: 'root',
      database: 'test',
      pool_name: 'chaos-pause',
      pool_size: 4,
      connectTimeout: 1000,
      queryTimeoutMs,
      checkoutTimeoutMs,
      retry: { maxRetries, baseDelayMs: 200, maxDelayMs: 400 },
    });
    const states = recordStates(pool.state$);
    let longestMs = 0;
    const timed = async (call: () => Promise<unknown>): Promise<unknown> => {
      const started = performance.now();
      try {
        return await call();
      } finally {
        longestMs = Math.max(longestMs, performance.now() - started);
      }
    };
    // Writers insert (never re-sent once sent); readers read (re-sent once when safe).
    const load = runLoad({
      concurrency: 4,
      write: (id) =>
        timed(() =>
          pool.query({ sql: 'INSERT INTO pause_writes (id) VALUES (?)', idempotent: false }, [id]),
        ),
    });
    const reads = runLoad({
      concurrency: 4,
      write: () => timed(() => pool.query('SELECT COUNT(*) AS n FROM pause_writes')),
    });
    try {
      await waitUntil(() => load.ledger.count('acknowledged') >= 50, 10_000, '50 writes');
      server.pause();
      await delay(3000);
      server.resume();
      const resumedAt = performance.now();
      const firstSuccess = await load.firstSuccessAfter(resumedAt, 10_000);
      const ledger = await load.stop();
      const readLedger = await reads.stop();
      expect(longestMs, 'longest call').to.be.at.most(callBoundMs + slackMs);
      ledger.checkApplied(await appliedIds(server, 'pause_writes'));

      // After the pause: every statement succeeds.
      const after = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? pool.query({ sql: 'INSERT INTO pause_writes (id) VALUES (?)', idempotent: false }, [
                `after${i}`,
              ])
            : pool.query('SELECT 1'),
        ),
      );
      const errors = after.filter((r) => r.status === 'rejected');
      expect(errors, 'errors after the pause').to.deep.equal([]);
      console.log(
        `      SIGSTOP 3 s: writes ${ledger.summary()}; reads ${readLedger.summary()}; longest ${Math.round(longestMs)} ms; first success ${Math.round(firstSuccess - resumedAt)} ms after SIGCONT`,
      );
      await pool.close();
      assertTransitionsAllowed(states.statuses);
      rejections.assertNone();
      recordScenario({
        target: 'mysql',
        scenario: 'SIGSTOP longer than the query timeout',
        injected: `SIGSTOP mariadbd for 3 s (queryTimeoutMs ${queryTimeoutMs}, checkoutTimeoutMs ${checkoutTimeoutMs}), then SIGCONT`,
        callersSaw: `writes: ${ledger.summary()}; reads: ${readLedger.summary()}; longest call ${Math.round(longestMs)} ms (bound ${callBoundMs} ms); 0 errors in 40 statements after`,
        recoveryMs: Math.round(firstSuccess - resumedAt),
        invariants: [
          'no call waits past its deadline',
          invariantNames.noLostWrite,
          invariantNames.noDoubleWrite,
          'zero errors after the pause',
          invariantNames.transitions,
          invariantNames.noUnhandledRejection,
        ],
        counts: { ...ledger.counts(), longestMs: Math.round(longestMs) },
      });
    } finally {
      if (server.pid !== undefined) server.resume();
      await load.stop();
      await reads.stop();
      await pool.close({ timeoutMs: 0 });
    }
  });
});
