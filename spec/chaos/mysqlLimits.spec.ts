// DatabasePool against a private mariadbd that refuses: a wrong password (fatal, tried once) and
// max_connections smaller than the pool (ER_CON_COUNT_ERROR 1040, throttled: retried slower).
import { inspect } from 'node:util';
import { expect } from 'chai';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import { assertNoSecrets, testPasswords } from '../helpers/secretScan.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  captureOutput,
  capturingLogger,
  errorText,
  invariantNames,
  recoveryInvariants,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { appliedIds, connectCounter, createWritesTable, rawQuery } from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline } from './redisChaos.js';
import { callTimer, errorCode, rejection } from './toxicChaos.js';
import { WriteLedger } from './WriteLedger.js';

// MariaDB clamps max_connections to at least 10; `hf` has no SUPER privilege, so it gets exactly
// that many (root would get one more).
const maxConnections = 10;
const user = 'hf';
const wrongPassword = 'HF-S3cret-wrong-mysql-5m3';

describe('DatabasePool against a refusing mariadbd (chaos: limits)', function () {
  this.timeout(60_000);
  let server: MariaDbServer;

  before(async () => {
    server = await MariaDbServer.start({ maxConnections });
    await rawQuery(server, `CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY ?`, [
      testPasswords.mysql,
    ]);
    await rawQuery(server, `GRANT ALL ON test.* TO '${user}'@'127.0.0.1'`);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.logTail(40));
  });

  after(async () => {
    await server.stop();
  });

  it('a wrong password: one attempt, at once, the error says "password" and shows none', async () => {
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const counter = connectCounter(server);
    const logger = capturingLogger();
    const output = captureOutput();
    const pool = createDatabasePool({
      host: server.host,
      port: server.port,
      user,
      password: wrongPassword,
      database: 'test',
      pool_name: 'chaos-wrong-password',
      stream: counter.stream,
      logger,
      retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 400 },
    });
    const states = recordStates(pool.state$);
    let first: unknown;
    let second: unknown;
    let firstMs: number;
    let firstAttempts: number;
    let failedState: string;
    try {
      const started = performance.now();
      first = await rejection(pool.query('SELECT 1'));
      firstMs = performance.now() - started;
      firstAttempts = counter.count();
      // A later call tries once more (the credentials may have been fixed), and only once.
      second = await rejection(pool.query('SELECT 1'));
      expect(pool.state.status).to.equal('failed');
      failedState = inspect(pool.state, { depth: 8 });
    } finally {
      await pool.close();
      output.stop();
    }
    expect(first).to.include({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 });
    expect((first as Error).message).to.match(/password/);
    expect(second).to.include({ errno: 1045 });
    expect(firstAttempts, 'connection attempts of the first call').to.equal(1);
    expect(counter.count(), 'connection attempts of both calls').to.equal(2);
    expect(firstMs, 'time to the error').to.be.below(1000);
    assertNoSecrets(
      [
        errorText(first),
        errorText(second),
        ...logger.lines,
        output.text(),
        inspect(pool, { depth: 8 }),
        failedState,
      ],
      [wrongPassword, testPasswords.mysql],
    );
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    await assertHandlesReleased(handles);
    // The right password works: the refusal was the password's.
    const right = createDatabasePool({
      host: server.host,
      port: server.port,
      user,
      password: testPasswords.mysql,
      database: 'test',
      pool_name: 'chaos-right-password',
    });
    try {
      await right.query('SELECT 1');
    } finally {
      await right.close();
    }
    recordScenario({
      target: 'mysql',
      scenario: 'wrong password',
      injected: 'a pool of a user with a password, given the wrong one',
      callersSaw: `the driver error ${errorCode(first)} 1045 ("${(first as Error).message}") after ${Math.round(firstMs)} ms and 1 connection attempt; the next call made exactly 1 more`,
      recoveryMs: null,
      invariants: [
        'an authentication failure is tried once',
        invariantNames.noPassword,
        invariantNames.noUnhandledRejection,
        invariantNames.transitions,
        invariantNames.handlesReleased,
      ],
      counts: { attempts: counter.count(), firstErrorMs: Math.round(firstMs) },
    });
    console.log(
      `      wrong password: ${errorCode(first)} after ${Math.round(firstMs)} ms, ${firstAttempts} attempt`,
    );
  });

  it('max_connections below pool_size: 1040 is retried and every caller is served', async () => {
    const table = 'limit_writes';
    await createWritesTable(server, table);
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const logger = capturingLogger();
    const poolSize = 16;
    const checkoutTimeoutMs = 5000;
    const pool = createDatabasePool({
      host: server.host,
      port: server.port,
      user,
      password: testPasswords.mysql,
      database: 'test',
      pool_name: 'chaos-too-many',
      pool_size: poolSize,
      checkoutTimeoutMs,
      queryTimeoutMs: 5000,
      logger,
      retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 400 },
    });
    const states = recordStates(pool.state$);
    const timer = callTimer();
    const ledger = new WriteLedger();
    const codes: string[] = [];
    let after: PromiseSettledResult<unknown>[];
    try {
      await pool.ready();
      // 32 statements of 200 ms at once, half of them writes: the pool grows past the server's
      // limit, so opening connections 11 and later is refused with 1040.
      const burst = Array.from({ length: 32 }, (_, i) =>
        timer.time(async () => {
          try {
            if (i % 2 === 1) return await pool.query('SELECT SLEEP(0.2)');
            return await ledger.run(`w${i}`, () =>
              pool.query(`INSERT INTO ${table} (id) SELECT ? FROM (SELECT SLEEP(0.2)) AS s`, [
                `w${i}`,
              ]),
            );
          } catch (error) {
            codes.push(errorCode(error));
            throw error;
          }
        }),
      );
      await Promise.allSettled(burst);
      // Then steady use at the server's limit.
      after = await Promise.allSettled(
        Array.from({ length: 40 }, () => pool.query('SELECT SLEEP(0.01)')),
      );
    } finally {
      await pool.close();
    }
    const metrics = pool.metrics();
    // 1040 while growing (a checkout's new connection: the pool keeps the connections it has
    // and waits for one of them, ADR 0004), and while reconnecting (the manager's attempts,
    // logged before each retry; none are expected, the pool is never replaced).
    const refusedGrowing = metrics.checkoutRetries;
    const refusedReconnecting = logger.lines.filter(
      (line) => line.includes(' of connect ') && line.includes('ER_CON_COUNT_ERROR'),
    ).length;
    expect(refusedGrowing, 'new connections refused with 1040').to.be.above(0);
    expect(codes, 'errors callers saw').to.deep.equal([]);
    expect(metrics.reconnects, 'times the pool was replaced').to.equal(0);
    expect(metrics.created, 'connections opened').to.be.at.most(maxConnections);
    expect(ledger.count('acknowledged')).to.equal(16);
    ledger.checkApplied(await appliedIds(server, table));
    expect(
      after.filter((r) => r.status === 'rejected'),
      'errors after the burst',
    ).to.deep.equal([]);
    expect(timer.longestMs(), 'longest call').to.be.at.most(checkoutTimeoutMs + 1000);
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    await assertHandlesReleased(handles);
    const refused = `${refusedGrowing} new connections and ${refusedReconnecting} reconnect attempts refused with ER_CON_COUNT_ERROR 1040 (throttled, retried with backoff)`;
    const churn = `the pool was replaced ${metrics.reconnects} times, ${metrics.created} connections opened for 72 statements`;
    recordScenario({
      target: 'mysql',
      scenario: 'too many connections (max_connections below pool_size)',
      injected: `max_connections ${maxConnections}, pool_size ${poolSize}; 32 statements of 200 ms at once (16 INSERT, 16 SELECT), then 40 short ones`,
      callersSaw: `0 errors in 72 statements (INSERTs: ${ledger.summary()}); ${refused}; ${churn}; longest call ${Math.round(timer.longestMs())} ms`,
      recoveryMs: null,
      invariants: [
        'throttled connects retried, callers served',
        'the pool keeps its connections (never replaced, never more than max_connections opened)',
        ...recoveryInvariants,
      ],
      counts: {
        refusedGrowing,
        refusedReconnecting,
        reconnects: metrics.reconnects,
        created: metrics.created,
        destroyed: metrics.destroyed,
        longestMs: Math.round(timer.longestMs()),
      },
    });
    console.log(
      `      too many connections: ${refused}; ${churn}; longest ${Math.round(timer.longestMs())} ms`,
    );
  });
});
