// DatabasePool against the shared MariaDB (127.0.0.1:3306, root without password, database
// `test`). Nothing here changes the server's configuration: tables are private to this file,
// the wrong password is simply wrong for root.
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import { expect } from 'chai';
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import type { DatabasePool } from '../../src/mysql2/createDatabasePool.js';
import type { DatabasePoolConfig } from '../../src/mysql2/DatabasePoolConfig.js';
import { PoolCheckoutError } from '../../src/mysql2/PoolCheckoutError.js';
import { QueryTimeoutError } from '../../src/errors/QueryTimeoutError.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { connectCounter } from '../chaos/mysqlChaos.js';
import { assertNoSecrets, testPasswords } from '../helpers/secretScan.js';
import { captureTelemetry, errorTexts } from '../helpers/telemetry.js';

const shared = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;
// Per run, so that two runs against the shared server never share a table.
const table = `holdfast_mysql_pool_spec_${process.pid}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('DatabasePool (integration, shared MariaDB)', function () {
  this.timeout(20_000);
  const pools: DatabasePool[] = [];
  const open = (config: Partial<DatabasePoolConfig> = {}): DatabasePool => {
    const pool = createDatabasePool({ ...shared, pool_name: 'spec', ...config });
    pools.push(pool);
    return pool;
  };

  before(async () => {
    const pool = open();
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.query(
      `CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32) NOT NULL) ENGINE=InnoDB`,
    );
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close({ timeoutMs: 0 })));
  });

  after(async () => {
    const pool = open();
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.close();
  });

  describe('getConnection', () => {
    it('checks out a working connection and takes it back on release', async () => {
      const pool = open({ pool_size: 2 });
      const connection = await pool.getConnection();
      const [rows] = await connection.query<RowDataPacket[]>('SELECT 1 + 1 AS two');
      expect(rows[0]?.two).to.equal(2);
      expect(pool.metrics()).to.include({ used: 1, size: 1, idle: 0 });
      connection.release();
      expect(pool.metrics()).to.include({ used: 0, size: 1, idle: 1, checkouts: 1 });
    });

    it('survives a pooled connection killed while idle, and does not hand it out again', async () => {
      const pool = open({ pool_size: 1 });
      const connection = await pool.getConnection();
      const [[row]] = await connection.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      connection.release();
      const killer = open({ pool_size: 1 });
      await killer.query('KILL ?', [row?.id]);
      await delay(100);
      const [[again]] = await pool.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      expect(again?.id).to.not.equal(row?.id);
      expect(pool.metrics().destroyed).to.equal(1);
    });
  });

  describe('query and execute', () => {
    it('run text and prepared statements with values', async () => {
      const pool = open();
      const [inserted] = await pool.execute<ResultSetHeader>(
        `INSERT INTO ${table} (name) VALUES (?)`,
        ['ada'],
      );
      const [rows] = await pool.query<RowDataPacket[]>(`SELECT name FROM ${table} WHERE id = ?`, [
        inserted.insertId,
      ]);
      expect(rows.map((r) => r.name as string)).to.deep.equal(['ada']);
    });

    it("answers the callback form with mysql2's arguments and returns mysql2's command", async () => {
      const pool = open();
      await pool.ready();
      let command: unknown;
      const rows = await new Promise<unknown>((resolve, reject) => {
        command = pool.pool.query(
          { sql: 'SELECT ? AS n', rowsAsArray: true },
          [7],
          (error, result) => {
            if (error) reject(error);
            else resolve(result);
          },
        );
      });
      expect(rows).to.deep.equal([[7]]);
      expect(command).to.be.an('object').with.property('sql', 'SELECT 7 AS n');
    });

    it('throws a fatal driver error as it is (syntax error 1064), without retrying', async () => {
      const pool = open();
      const error = await rejection(pool.query('SELEKT 1'));
      expect(error).to.include({ errno: 1064 });
      expect(pool.metrics().statementRetries).to.equal(0);
    });

    it('destroys a connection whose statement passed queryTimeoutMs; a write becomes OutcomeUnknownError', async () => {
      const pool = open({ queryTimeoutMs: 300 });
      const error = await rejection(pool.query({ sql: 'DO SLEEP(2)', idempotent: false }));
      expect(isHoldfastError(error) && error.code).to.equal('ERR_HOLDFAST_OUTCOME_UNKNOWN');
      expect((error as Error).cause).to.be.instanceOf(QueryTimeoutError);
      expect(pool.metrics()).to.include({ queryTimeouts: 1, size: 0, destroyed: 1 });
      const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 AS one');
      expect(rows[0]?.one).to.equal(1);
    });
  });

  describe('transaction', () => {
    it('commits what the function did', async () => {
      const pool = open();
      const id = await pool.transaction(async (tx) => {
        const [result] = await tx.execute<ResultSetHeader>(
          `INSERT INTO ${table} (name) VALUES (?)`,
          ['committed'],
        );
        return result.insertId;
      });
      const [rows] = await pool.query<RowDataPacket[]>(`SELECT name FROM ${table} WHERE id = ?`, [
        id,
      ]);
      expect(rows).to.have.length(1);
    });

    it('rolls back and rethrows when the function throws', async () => {
      const pool = open();
      const failure = new Error('changed my mind');
      const error = await rejection(
        pool.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${table} (name) VALUES (?)`, ['rolled-back']);
          throw failure;
        }),
      );
      expect(error).to.equal(failure);
      const [rows] = await pool.query<RowDataPacket[]>(`SELECT id FROM ${table} WHERE name = ?`, [
        'rolled-back',
      ]);
      expect(rows).to.have.length(0);
      expect(pool.metrics()).to.include({ used: 0, transactionRetries: 0 });
    });
  });

  describe('pool exhaustion and queueing', () => {
    it('queues a checkout until a connection comes back, in order', async () => {
      const pool = open({ pool_size: 2 });
      const held = [await pool.getConnection(), await pool.getConnection()];
      const order: number[] = [];
      const waiting = [1, 2].map((n) =>
        pool.getConnection().then((connection) => {
          order.push(n);
          return connection;
        }),
      );
      await delay(50);
      expect(pool.metrics()).to.include({ pending: 2, used: 2 });
      held[0]?.release();
      held[1]?.release();
      const got = await Promise.all(waiting);
      expect(order).to.deep.equal([1, 2]);
      for (const connection of got) connection.release();
    });

    it('gives up after checkoutTimeoutMs saying the pool is exhausted, by how many and for how long', async () => {
      const pool = open({ pool_size: 2, checkoutTimeoutMs: 200 });
      const held = [await pool.getConnection(), await pool.getConnection()];
      const error = await rejection(pool.getConnection());
      expect(error).to.be.instanceOf(PoolCheckoutError);
      expect(error).to.include({ reason: 'pool-exhausted', checkedOut: 2, poolSize: 2 });
      expect((error as PoolCheckoutError).oldestHeldMs).to.be.at.least(200);
      for (const connection of held) connection.release();
    });

    it("refuses at once when queueLimit checkouts are already waiting (mysql2's own error)", async () => {
      const pool = open({ pool_size: 1, queueLimit: 1 });
      const held = await pool.getConnection();
      const queued = pool.getConnection();
      const error = await rejection(pool.getConnection());
      expect((error as Error).message).to.equal('Queue limit reached.');
      held.release();
      (await queued).release();
    });
  });

  describe('an outage', () => {
    it('100 callers during it cause one reconnect loop and at most connectionLimit connections after it', async () => {
      const proxy = await FaultProxy.start({ upstream: { host: shared.host, port: shared.port } });
      try {
        const counter = connectCounter({ host: shared.host, port: proxy.port });
        const connectionLimit = 4;
        const pool = open({
          port: proxy.port,
          stream: counter.stream,
          pool_size: connectionLimit,
          retry: { maxRetries: 10, baseDelayMs: 200, maxDelayMs: 400 },
        });
        await pool.query('SELECT 1');
        const events: string[] = [];
        pool.events$.subscribe((event) => events.push(event.type));
        const down = proxy.add({ type: 'down' });
        await delay(100);
        const before = counter.count();
        const calls = Array.from({ length: 100 }, (_, i) =>
          pool.query<RowDataPacket[]>('SELECT ? AS i', [i]),
        );
        await delay(1000);
        const duringOutage = counter.count() - before;
        await proxy.remove(down);
        const results = await Promise.all(calls);
        expect(results.map(([rows]) => rows[0]?.i as number)).to.deep.equal(
          Array.from({ length: 100 }, (_, i) => i),
        );
        // One loop: one loss reported, and the attempts that reached for the server were the
        // loop's plus at most the connectionLimit checkouts that found the server gone.
        expect(events.filter((type) => type === 'connection-lost')).to.have.length(1);
        const loopAttempts = events.filter((type) => type === 'attempt-started').length;
        expect(duringOutage).to.be.at.most(loopAttempts + connectionLimit);
        expect(pool.metrics().size).to.be.at.most(connectionLimit);
        expect(pool.metrics().created).to.be.at.most(1 + connectionLimit);
        console.log(
          `      100 callers: ${duringOutage} connect attempts during the outage (${loopAttempts} by the loop), ${pool.metrics().size} connections after`,
        );
      } finally {
        await proxy.close();
      }
    });
  });

  describe('a wrong password', () => {
    it('fails after one attempt with the driver error 1045, the password in no error, log line, span or state', async () => {
      const telemetry = captureTelemetry();
      const counter = connectCounter(shared);
      const pool = open({
        stream: counter.stream,
        password: testPasswords.mysql,
        pool_name: 'spec-wrong-password',
        logger: telemetry.log.logger,
        tracer: telemetry.tracer,
        meter: telemetry.meter,
      });
      const states: string[] = [];
      pool.state$.subscribe((state) => states.push(inspect(state, { depth: 10 })));
      const first = await rejection(pool.getConnection());
      expect(first).to.include({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' });
      // What to do: the options to check, named.
      expect((first as Error).message)
        .to.include('`password`')
        .and.include('createDatabasePool');
      expect(counter.count()).to.equal(1);
      const second = await rejection(pool.query('SELECT 1'));
      expect(second).to.include({ errno: 1045 });
      expect(counter.count()).to.equal(2);
      expect(pool.state.status).to.equal('failed');
      await pool.close();
      telemetry.recordError(first);
      telemetry.recordError(second);
      assertNoSecrets([
        ...telemetry.texts(),
        ...errorTexts(first),
        ...errorTexts(second),
        inspect(first, { depth: 10 }),
        ...states,
        inspect(pool, { depth: 10 }),
      ]);
      expect(telemetry.log.messages('error').join('\n')).to.match(
        /Failed to connect to spec-wrong-password/,
      );
      await telemetry.shutdown();
    });
  });

  describe('state$ and close', () => {
    it('goes idle, connecting, connected, closed and completes', async () => {
      const pool = open();
      const statuses: string[] = [];
      let completed = false;
      pool.state$.subscribe({
        next: (state) => statuses.push(state.status),
        complete: () => {
          completed = true;
        },
      });
      await pool.ready();
      await pool.close();
      expect(statuses).to.deep.equal(['idle', 'connecting', 'connected', 'closed']);
      expect(completed).to.equal(true);
    });

    it('waits for checked-out connections up to timeoutMs, then ends them', async () => {
      const pool = open();
      const connection = await pool.getConnection();
      const started = performance.now();
      await pool.close({ timeoutMs: 200 });
      expect(performance.now() - started).to.be.within(150, 2000);
      expect(pool.metrics()).to.include({ used: 0, size: 0 });
      expect(await rejection(connection.query('SELECT 1'))).to.be.instanceOf(Error);
      const error = await rejection(pool.query('SELECT 1'));
      expect(isHoldfastError(error) && error.code).to.equal('ERR_HOLDFAST_CLOSED');
    });

    it('aborts a handshake blackholed by a timeout toxic at once, leaving no socket open', async () => {
      const proxy = await FaultProxy.start({ upstream: { host: shared.host, port: shared.port } });
      try {
        proxy.add({ type: 'timeout', attributes: { timeout: 0 } });
        const pool = open({ port: proxy.port, connectTimeout: 15_000 });
        const ready = rejection(pool.ready());
        while (proxy.stats().connections.active === 0) await delay(10);
        const started = performance.now();
        await pool.close();
        expect(performance.now() - started).to.be.below(500);
        expect(isHoldfastError(await ready)).to.equal(true);
        const waitUntil = performance.now() + 1000;
        while (proxy.stats().connections.active > 0 && performance.now() < waitUntil) {
          await delay(10);
        }
        expect(proxy.stats().connections).to.deep.equal({ total: 1, active: 0 });
      } finally {
        await proxy.close();
      }
    });

    it('closes at once when every connection is back', async () => {
      const pool = open();
      const connection = await pool.getConnection();
      setTimeout(() => {
        connection.release();
      }, 50);
      const started = performance.now();
      await pool.close({ timeoutMs: 5000 });
      expect(performance.now() - started).to.be.below(1500);
    });
  });
});
