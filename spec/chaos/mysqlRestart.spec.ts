// DatabasePool against a private mariadbd that is SIGKILLed and restarted under a load of
// non-idempotent INSERTs, next to raw mysql2 in the same scenario.
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { createPool } from 'mysql2/promise';
import type { DatabasePool } from '../../src/mysql2/createDatabasePool.js';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import {
  assertEndsConnected,
  assertTransitionsAllowed,
  invariantNames,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import {
  type ConnectCounter,
  appliedIds,
  connectCounter,
  createWritesTable,
  waitUntil,
} from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';
import { runLoad } from './runLoad.js';

const insert = (table: string): string => `INSERT INTO ${table} (id) VALUES (?)`;

describe('DatabasePool (chaos: mariadbd killed and restarted)', function () {
  this.timeout(60_000);
  let server: MariaDbServer;

  before(async () => {
    server = await MariaDbServer.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.logTail(40));
  });

  after(async () => {
    await server.stop();
  });

  describe('SIGKILL and restart under a load of INSERTs (idempotent: false)', () => {
    it('keeps every acknowledged row and applies no more than the OutcomeUnknownError count', async () => {
      await createWritesTable(server, 'kill_writes');
      const rejections = watchUnhandledRejections();
      const pool = createDatabasePool({
        host: server.host,
        port: server.port,
        user: 'root',
        database: 'test',
        pool_name: 'chaos-kill',
        pool_size: 4,
        retry: { maxRetries: 10, baseDelayMs: 100, maxDelayMs: 400 },
        checkoutTimeoutMs: 20_000,
      });
      const states = recordStates(pool.state$);
      const load = runLoad({
        concurrency: 8,
        write: (id) => pool.query({ sql: insert('kill_writes'), idempotent: false }, [id]),
      });
      try {
        await waitUntil(() => load.ledger.count('acknowledged') >= 100, 10_000, '100 writes');
        await server.kill('SIGKILL');
        await delay(1000);
        await server.restart();
        const readyAt = performance.now();
        const firstSuccess = await load.firstSuccessAfter(readyAt);
        await delay(300);
        const ledger = await load.stop();
        const applied = await appliedIds(server, 'kill_writes');
        ledger.checkApplied(applied);
        const acknowledged = ledger.count('acknowledged');
        const unknown = ledger.count('outcome-unknown');
        expect(new Set(applied).size - acknowledged).to.be.at.most(unknown);
        expect(ledger.count('failed'), ledger.summary()).to.equal(0);
        await pool.close();
        assertTransitionsAllowed(states.statuses);
        assertEndsConnected(states.statuses);
        rejections.assertNone();
        recordScenario({
          target: 'mysql',
          scenario: 'kill -9 under load',
          injected: 'SIGKILL mariadbd after 100 acknowledged INSERTs, restart after 1 s',
          callersSaw: ledger.summary(),
          recoveryMs: Math.round(firstSuccess - readyAt),
          invariants: [
            invariantNames.noLostWrite,
            invariantNames.noDoubleWrite,
            'rows applied - acknowledged <= OutcomeUnknownError count',
            invariantNames.transitions,
            invariantNames.endsConnected,
            invariantNames.noUnhandledRejection,
          ],
          counts: { ...ledger.counts(), applied: applied.length },
        });
      } finally {
        await load.stop();
        await pool.close({ timeoutMs: 0 });
      }
    });
  });

  describe('a 4 s outage, holdfast next to raw mysql2', () => {
    // Same load, same fault: 8 callers writing, SIGKILL, 4 s down, restart.
    async function outage(
      label: string,
      write: (id: string) => Promise<unknown>,
      counter: ConnectCounter,
    ): Promise<{
      errors: number;
      attempts: number;
      refused: number;
      recoveryMs: number;
      summary: string;
    }> {
      const load = runLoad({ concurrency: 8, write });
      try {
        await waitUntil(
          () => load.ledger.count('acknowledged') >= 50,
          10_000,
          `${label}: 50 writes`,
        );
        const errorsBefore = load.ledger.count('failed') + load.ledger.count('outcome-unknown');
        const attemptsBefore = counter.count();
        const refusedBefore = counter.refused();
        await server.kill('SIGKILL');
        await delay(4000);
        await server.restart();
        const readyAt = performance.now();
        const firstSuccess = await load.firstSuccessAfter(readyAt);
        const ledger = await load.stop();
        return {
          errors: ledger.count('failed') + ledger.count('outcome-unknown') - errorsBefore,
          attempts: counter.count() - attemptsBefore,
          refused: counter.refused() - refusedBefore,
          recoveryMs: Math.round(firstSuccess - readyAt),
          summary: ledger.summary(),
        };
      } finally {
        await load.stop();
      }
    }

    it('shows callers only the writes in flight at the kill, where raw mysql2 shows hundreds of errors', async () => {
      await createWritesTable(server, 'outage_writes');
      const holdfastCounter = connectCounter(server);
      const pool: DatabasePool = createDatabasePool({
        // The address the counting stream connects to: the manager's target, which its probe
        // watches (without it the probe would watch localhost:3306, a server that never went down).
        host: server.host,
        port: server.port,
        stream: holdfastCounter.stream,
        user: 'root',
        database: 'test',
        pool_name: 'chaos-outage',
        pool_size: 4,
        retry: { maxRetries: 10, baseDelayMs: 200, maxDelayMs: 1000 },
        checkoutTimeoutMs: 20_000,
      });
      const rawCounter = connectCounter(server);
      const raw = createPool({
        stream: rawCounter.stream,
        user: 'root',
        database: 'test',
        connectionLimit: 4,
      });
      try {
        const held = await outage(
          'holdfast',
          (id) => pool.query({ sql: insert('outage_writes'), idempotent: false }, [id]),
          holdfastCounter,
        );
        const bare = await outage(
          'raw mysql2',
          (id) => raw.query(insert('outage_writes'), [id]),
          rawCounter,
        );
        // Only the writes in flight at the kill can fail; every later caller waited.
        expect(held.errors).to.be.at.most(8);
        expect(bare.errors).to.be.greaterThan(held.errors);
        console.log(
          `      4 s outage: holdfast ${held.errors} errors, ${held.refused} refused of ` +
            `${held.attempts} connection attempts, first success ${held.recoveryMs} ms after ready` +
            ` | raw mysql2 ${bare.errors} errors, ${bare.refused} refused of ${bare.attempts}` +
            ` attempts, first success ${bare.recoveryMs} ms after ready`,
        );
        recordScenario({
          target: 'mysql',
          scenario: '4 s outage: errors seen by callers',
          injected: 'SIGKILL mariadbd under 8 writers, 4 s down, restart (same load on raw mysql2)',
          callersSaw: `holdfast: ${held.summary}; raw mysql2: ${bare.summary}`,
          recoveryMs: held.recoveryMs,
          invariants: [
            'only writes in flight at the kill fail',
            invariantNames.noUnhandledRejection,
          ],
          counts: {
            holdfastErrors: held.errors,
            holdfastAttempts: held.attempts,
            holdfastRefused: held.refused,
            holdfastRecoveryMs: held.recoveryMs,
            rawErrors: bare.errors,
            rawAttempts: bare.attempts,
            rawRefused: bare.refused,
            rawRecoveryMs: bare.recoveryMs,
          },
        });
      } finally {
        await pool.close({ timeoutMs: 0 });
        await raw.end().catch(() => undefined);
      }
    });
  });
});
