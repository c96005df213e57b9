// DatabasePool through a FaultProxy under a load of INSERTs (idempotent: false, never re-sent)
// and SELECTs (re-sent when safe): connections reset in the middle of replies, and replies slower
// than queryTimeoutMs. (The blackhole is in mysqlStale.spec.ts.) No acknowledged row is lost or
// written twice, every call is bounded, and once the toxic is gone every statement succeeds.
import { expect } from 'chai';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import type { DatabasePoolConfig } from '../../src/mysql2/DatabasePoolConfig.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import type { ToxicOptions } from '../../src/testing/toxics/ToxicOptions.js';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  capturingLogger,
  invariantNames,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { appliedIds, createWritesTable } from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline } from './redisChaos.js';
import { type ToxicLoadResult, loadThroughToxic, retriesLogged, tally } from './toxicChaos.js';

/** What a scenario checks: the load's result and the SELECTs re-sent (from the log). */
interface ToxicRun extends ToxicLoadResult {
  readonly readRetries: number;
}

/** The invariants both toxics share, as docs/reliability.md lists them. */
const shared = [
  invariantNames.noLostWrite,
  invariantNames.noDoubleWrite,
  'zero errors after the toxic is removed',
  invariantNames.noUnhandledRejection,
  invariantNames.transitions,
  invariantNames.endsConnected,
  invariantNames.handlesReleased,
];

describe('DatabasePool through a FaultProxy (chaos: toxics)', function () {
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

  /**
   * Runs 3 INSERT and 3 SELECT callers on a pool of 4 through a fresh proxy while `toxics` hold
   * for `faultMs` (loadThroughToxic), asserts the shared invariants and returns what they saw.
   */
  async function underToxic(
    table: string,
    options: Partial<DatabasePoolConfig>,
    toxics: readonly ToxicOptions[],
    faultMs: number,
  ): Promise<ToxicRun> {
    await createWritesTable(server, table);
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const proxy = await FaultProxy.start({ upstream: { host: server.host, port: server.port } });
    const logger = capturingLogger();
    const pool = createDatabasePool({
      host: proxy.host,
      port: proxy.port,
      user: 'root',
      database: 'test',
      pool_size: 4,
      logger,
      ...options,
    });
    const states = recordStates(pool.state$);
    let result: ToxicLoadResult;
    try {
      await pool.ready();
      result = await loadThroughToxic({
        proxy,
        toxics,
        faultMs,
        write: (id) =>
          pool.query({ sql: `INSERT INTO ${table} (id) VALUES (?)`, idempotent: false }, [id]),
        read: () => pool.query(`SELECT COUNT(*) AS n FROM ${table}`),
      });
      await pool.close();
    } finally {
      await pool.close({ timeoutMs: 0 });
      await proxy.close();
    }
    expect(result.errorsAfter, 'errors after the toxic was removed').to.deep.equal([]);
    result.writes.checkApplied(await appliedIds(server, table));
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    await assertHandlesReleased(handles);
    return { ...result, readRetries: retriesLogged(logger.lines, 'execute SELECT') };
  }

  it('connections reset mid-reply (reset_peer on replies): INSERTs never re-sent, SELECTs re-sent', async () => {
    const faultMs = 400;
    const run = await underToxic(
      'reset_writes',
      {
        pool_name: 'chaos-reset-peer',
        connectTimeout: 1000,
        queryTimeoutMs: 1000,
        checkoutTimeoutMs: 3000,
        // The reconnect cycle (at least 750 ms of waits) outlasts the fault.
        retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 400 },
      },
      [{ type: 'reset_peer', stream: 'downstream', attributes: { timeout: 50 } }],
      faultMs,
    );
    const { writes, reads, longestMs, recoveryMs, readRetries } = run;
    // The reply is held 50 ms before the RST, so every caller has a statement in flight: the
    // INSERTs cut mid-reply became OutcomeUnknownError, the SELECTs were sent again.
    expect(writes.count('outcome-unknown'), 'INSERTs cut mid-reply').to.be.above(0);
    for (const code of run.writeCodes) expect(code).to.match(/^ERR_HOLDFAST_OUTCOME_UNKNOWN\//);
    expect(readRetries, 'SELECTs re-sent').to.be.above(0);
    expect(run.readCodes, 'SELECT errors').to.deep.equal([]);
    recordScenario({
      target: 'mysql',
      scenario: 'connection reset mid-reply (reset_peer)',
      injected: `FaultProxy reset_peer toxic on replies for ${faultMs} ms (TCP RST 50 ms into the next reply, on every new connection too), then removed; 3 callers issuing INSERT (idempotent: false), 3 SELECT, pool of 4`,
      callersSaw: `INSERT: ${writes.summary()}; SELECT: ${reads.summary()}, ${readRetries} re-sent; longest call ${Math.round(longestMs)} ms; 0 errors in 40 statements after`,
      recoveryMs: Math.round(recoveryMs),
      invariants: ['reads re-sent, none failed', ...shared],
      counts: { ...writes.counts(), readRetries },
    });
    console.log(
      `      reset_peer: INSERT ${tally(run.writeCodes)}; SELECT ${reads.summary()}, ${readRetries} re-sent; longest ${Math.round(longestMs)} ms; first success ${Math.round(recoveryMs)} ms after removal`,
    );
  });

  it('replies slower than queryTimeoutMs (latency toxic): bounded, OutcomeUnknownError, then served', async () => {
    const queryTimeoutMs = 400;
    const checkoutTimeoutMs = 1000;
    const maxRetries = 1;
    const latencyMs = 1500;
    const faultMs = 2000;
    const run = await underToxic(
      'latency_writes',
      {
        pool_name: 'chaos-latency',
        connectTimeout: 400,
        queryTimeoutMs,
        checkoutTimeoutMs,
        retry: { maxRetries, baseDelayMs: 100, maxDelayMs: 300 },
      },
      [{ type: 'latency', stream: 'downstream', attributes: { latency: latencyMs } }],
      faultMs,
    );
    const { writes, reads, longestMs, recoveryMs } = run;
    // A statement: at most maxRetries + 1 attempts, each a checkout and 1.25 x queryTimeoutMs.
    const bound = (maxRetries + 1) * (checkoutTimeoutMs + queryTimeoutMs * 1.25);
    expect(longestMs, 'longest call').to.be.at.most(bound + 500);
    // The INSERTs in flight timed out and were reported, not sent again.
    expect(run.writeCodes).to.include('ERR_HOLDFAST_OUTCOME_UNKNOWN/ERR_HOLDFAST_QUERY_TIMEOUT');
    recordScenario({
      target: 'mysql',
      scenario: 'replies slower than queryTimeoutMs (latency)',
      injected: `FaultProxy latency toxic of ${latencyMs} ms on replies for ${faultMs / 1000} s (queryTimeoutMs ${queryTimeoutMs}, checkoutTimeoutMs ${checkoutTimeoutMs}, connectTimeout 400), then removed; 3 callers issuing INSERT (idempotent: false), 3 SELECT, pool of 4`,
      callersSaw: `INSERT: ${writes.summary()}; SELECT: ${reads.summary()}; longest call ${Math.round(longestMs)} ms (bound ${Math.round(bound)} ms); 0 errors in 40 statements after`,
      recoveryMs: Math.round(recoveryMs),
      invariants: [
        'no call waits past its deadline',
        'timed-out writes reported OutcomeUnknownError, not re-sent',
        ...shared,
      ],
      counts: { ...writes.counts(), longestMs: Math.round(longestMs), boundMs: Math.round(bound) },
    });
    console.log(
      `      latency: INSERT ${tally(run.writeCodes)}; SELECT ${tally(run.readCodes)}; longest ${Math.round(longestMs)} ms (bound ${Math.round(bound)}); first success ${Math.round(recoveryMs)} ms after removal`,
    );
  });
});
