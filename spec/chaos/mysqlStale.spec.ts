// Connections that die silently: a network partition (FaultProxy blackhole) and the server's
// wait_timeout. After either, no caller is handed a dead connection.
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import {
  assertHandlesReleased,
  invariantNames,
  resourceSnapshot,
  watchUnhandledRejections,
} from './invariants.js';
import { rawQuery } from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';

describe('DatabasePool (chaos: connections that die silently)', function () {
  this.timeout(60_000);
  let server: MariaDbServer;

  before(async () => {
    server = await MariaDbServer.start();
  });

  after(async () => {
    await server.stop();
  });

  describe('a network partition (FaultProxy blackhole both ways)', () => {
    it('bounds every call during it and hands out no dead connection after it', async () => {
      const rejections = watchUnhandledRejections();
      const proxy = await FaultProxy.start({ upstream: { host: server.host, port: server.port } });
      const pool = createDatabasePool({
        host: proxy.host,
        port: proxy.port,
        user: 'root',
        database: 'test',
        pool_name: 'chaos-partition',
        pool_size: 4,
        connectTimeout: 1000,
        queryTimeoutMs: 1000,
        checkoutTimeoutMs: 1500,
        idleValidationMs: 200,
        retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 300 },
      });
      try {
        // Four warm connections, then idle.
        await Promise.all(Array.from({ length: 4 }, () => pool.query('SELECT SLEEP(0.05)')));
        await delay(300);
        const holes = [
          proxy.add({ type: 'timeout', stream: 'upstream' }),
          proxy.add({ type: 'timeout', stream: 'downstream' }),
        ];
        const started = performance.now();
        const during = await Promise.allSettled(
          Array.from({ length: 6 }, () => pool.query('SELECT 1')),
        );
        const longestMs = performance.now() - started;
        // Each call: at most maxRetries + 1 attempts of checkout (1.5 s) and statement (1 s).
        expect(longestMs).to.be.at.most(3 * 2500 + 500);
        const failedDuring = during.filter((r) => r.status === 'rejected').length;
        for (const id of holes) await proxy.remove(id);
        const healedAt = performance.now();
        // A connect attempt begun during the partition may still hang (connectTimeout 1 s): the
        // calls below are not failed by it, though their wait limit (300 ms) passes meanwhile;
        // they wait for an attempt begun after they arrived (ADR 0019).
        const after = await Promise.allSettled(
          Array.from({ length: 40 }, (_, i) => pool.query('SELECT ? AS i', [i])),
        );
        const recoveryMs = performance.now() - healedAt;
        expect(after.filter((r) => r.status === 'rejected')).to.deep.equal([]);
        const { evictions, queryTimeouts } = pool.metrics();
        await pool.close();
        rejections.assertNone();
        recordScenario({
          target: 'mysql',
          scenario: 'network partition (blackhole)',
          injected: 'FaultProxy timeout toxic both ways on 4 idle pooled connections, then removed',
          callersSaw: `${failedDuring} of 6 calls failed during it (longest ${Math.round(longestMs)} ms); 0 of 40 after`,
          recoveryMs: Math.round(recoveryMs),
          invariants: [
            'no call waits past its deadline',
            'no dead connection handed out after the partition',
            invariantNames.noUnhandledRejection,
          ],
          counts: { failedDuring, evictions, queryTimeouts },
        });
      } finally {
        await pool.close({ timeoutMs: 0 });
        await proxy.close();
      }
    });
  });

  describe("the server's wait_timeout", () => {
    it('replaces connections the server closed while they sat idle, with zero errors', async () => {
      const rejections = watchUnhandledRejections();
      // A private server: its global setting may change (new connections get 1 s).
      await rawQuery(server, 'SET GLOBAL wait_timeout = 1');
      const handles = resourceSnapshot();
      const pool = createDatabasePool({
        host: server.host,
        port: server.port,
        user: 'root',
        database: 'test',
        pool_name: 'chaos-wait-timeout',
        pool_size: 3,
      });
      try {
        await Promise.all(Array.from({ length: 3 }, () => pool.query('SELECT SLEEP(0.05)')));
        expect(pool.metrics().size).to.equal(3);
        await delay(1600);
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => pool.query('SELECT 1')),
        );
        expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
        expect(pool.metrics().destroyed).to.be.at.least(3);
        await pool.close();
        await assertHandlesReleased(handles);
        rejections.assertNone();
        recordScenario({
          target: 'mysql',
          scenario: "the server's wait_timeout",
          injected: 'SET GLOBAL wait_timeout = 1, 3 pooled connections left idle for 1.6 s',
          callersSaw: '0 errors in 6 statements after the server closed every idle connection',
          recoveryMs: null,
          invariants: [
            'no dead connection handed out',
            invariantNames.handlesReleased,
            invariantNames.noUnhandledRejection,
          ],
        });
      } finally {
        await pool.close({ timeoutMs: 0 });
        await rawQuery(server, 'SET GLOBAL wait_timeout = 28800');
      }
    });
  });
});
