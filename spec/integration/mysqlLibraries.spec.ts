// holdfast/mysql2 handed to the libraries MySQL users write their queries with, each with its one
// line of setup (docs/guides/mysql2.md), through a FaultProxy in front of the shared MariaDB:
// a query, a query issued during a 1.5 s outage that succeeds after it, and an INSERT in flight
// when the connection is cut, reported as OutcomeUnknownError (wrapped however the library
// wraps errors) and never applied twice. Tables are prefixed hf15_.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { sql as drizzleSql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/mysql2';
import knex from 'knex';
import { Kysely, MysqlDialect, sql as kyselySql } from 'kysely';
import { QueryTypes, Sequelize } from 'sequelize';
import { DataSource } from 'typeorm';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import mysql, { createPool } from '../../src/mysql2/index.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { rawQuery } from '../chaos/mysqlChaos.js';
import { eventually } from '../helpers/eventually.js';

const shared = { host: '127.0.0.1', port: 3306 } as const;
// Per run, so that two runs against the shared server never share a table.
const table = `hf15_library_writes_${process.pid}`;
// Short waits so that a 1.5 s outage fits well inside one reconnect cycle.
const retry = { maxRetries: 10, baseDelayMs: 200, maxDelayMs: 400 } as const;
const insertSql = `INSERT INTO ${table} (id) SELECT ? FROM (SELECT SLEEP(0.5)) AS s`;

/** What each library does in these specs. */
interface Client {
  selectOne(): Promise<number>;
  insert(id: string): Promise<unknown>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
// Knex takes a client class; its mysql2 client loads the driver in one method.
const KnexMysql2Client = require('knex/lib/dialects/mysql2/index.js') as new (
  config: object,
) => object;
class HoldfastKnexClient extends KnexMysql2Client {
  _driver(): unknown {
    return mysql;
  }
}

const libraries: Record<string, (port: number) => Promise<Client>> = {
  Kysely: async (port) => {
    const pool = createPool({
      ...shared,
      port,
      user: 'root',
      database: 'test',
      name: 'hf15-kysely',
      retry,
    });
    const db = new Kysely<Record<string, never>>({ dialect: new MysqlDialect({ pool }) });
    return {
      selectOne: async () =>
        (await kyselySql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows[0]?.one ?? 0,
      insert: (id) =>
        kyselySql`INSERT INTO ${kyselySql.table(table)} (id) SELECT ${id} FROM (SELECT SLEEP(0.5)) AS s`.execute(
          db,
        ),
      close: () => db.destroy(),
    };
  },
  Drizzle: async (port) => {
    const pool = createPool({
      ...shared,
      port,
      user: 'root',
      database: 'test',
      name: 'hf15-drizzle',
      retry,
    });
    const db = drizzle({ client: pool });
    return {
      selectOne: async () => {
        const [rows] = (await db.execute(drizzleSql`SELECT 1 AS one`)) as unknown as [
          { one: number }[],
        ];
        return rows[0]?.one ?? 0;
      },
      insert: (id) =>
        db.execute(
          drizzleSql`INSERT INTO ${drizzleSql.identifier(table)} (id) SELECT ${id} FROM (SELECT SLEEP(0.5)) AS s`,
        ),
      close: () => pool.close(),
    };
  },
  Knex: async (port) => {
    const db = knex({
      client: HoldfastKnexClient,
      connection: { ...shared, port, user: 'root', database: 'test', name: 'hf15-knex', retry },
      pool: { min: 0, max: 4 },
    } as unknown as knex.Knex.Config);
    return {
      selectOne: async () => {
        const [rows] = (await db.raw('SELECT 1 AS one')) as [{ one: number }[]];
        return rows[0]?.one ?? 0;
      },
      insert: (id) => db.raw(insertSql, [id]),
      close: () => db.destroy(),
    };
  },
  TypeORM: async (port) => {
    const source = new DataSource({
      type: 'mysql',
      driver: mysql,
      ...shared,
      port,
      username: 'root',
      database: 'test',
      poolSize: 4,
      extra: { name: 'hf15-typeorm', retry },
    });
    await source.initialize();
    return {
      selectOne: async () =>
        (await source.query<{ one: number }[]>('SELECT 1 AS one'))[0]?.one ?? 0,
      insert: (id) => source.query(insertSql, [id]),
      close: () => source.destroy(),
    };
  },
  Sequelize: async (port) => {
    const db = new Sequelize('test', 'root', '', {
      dialect: 'mysql',
      dialectModule: mysql,
      ...shared,
      port,
      logging: false,
      pool: { max: 4, min: 0 },
      dialectOptions: { name: 'hf15-sequelize', retry },
    });
    return {
      selectOne: async () =>
        (await db.query<{ one: number }>('SELECT 1 AS one', { type: QueryTypes.SELECT }))[0]?.one ??
        0,
      insert: (id) => db.query(insertSql, { replacements: [id] }),
      close: () => db.close(),
    };
  },
};

/** The OutcomeUnknownError somewhere in what the library threw (its wrappers differ). */
function findOutcomeUnknown(error: unknown, depth = 0): unknown {
  if (isHoldfastError(error) && error.code === 'ERR_HOLDFAST_OUTCOME_UNKNOWN') return error;
  if (typeof error !== 'object' || error === null || depth > 6) return undefined;
  const holder = error as Record<string, unknown>;
  for (const key of ['cause', 'original', 'parent', 'driverError', 'originalError']) {
    const found = findOutcomeUnknown(holder[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function settle(promise: Promise<unknown>): Promise<{ error?: unknown }> {
  try {
    await promise;
    return {};
  } catch (error) {
    return { error };
  }
}

describe('holdfast/mysql2 under the MySQL libraries (integration, FaultProxy)', function () {
  this.timeout(30_000);

  before(async () => {
    await rawQuery(shared, `DROP TABLE IF EXISTS ${table}`);
    await rawQuery(shared, `CREATE TABLE ${table} (id VARCHAR(64) NOT NULL) ENGINE=InnoDB`);
  });

  after(async () => {
    await rawQuery(shared, `DROP TABLE IF EXISTS ${table}`);
  });

  for (const [library, open] of Object.entries(libraries)) {
    describe(library, () => {
      let proxy: FaultProxy;
      let client: Client;

      beforeEach(async () => {
        proxy = await FaultProxy.start({ upstream: shared });
        client = await open(proxy.port);
      });

      afterEach(async () => {
        await client.close();
        // Knex's destroy() and Sequelize's close() resolve before their connections' sockets
        // have closed: cut by the proxy's close, they would look lost, and the createConnection
        // gate would reconnect to a closed port for a cycle, into the specs that follow.
        await eventually(() => proxy.stats().connections.active === 0, 5000, 5);
        await proxy.close();
      });

      it('runs a query', async () => {
        expect(await client.selectOne()).to.equal(1);
      });

      it('answers a query issued during a 1.5 s outage once the server is back', async () => {
        expect(await client.selectOne()).to.equal(1);
        const down = proxy.add({ type: 'down' });
        const started = performance.now();
        // Issued once the outage is under way: the idle connections' sockets have seen it. (A
        // connection handed out at the very instant it dies fails its statement in any pool.)
        await delay(100);
        const answer = client.selectOne();
        await delay(1400);
        await proxy.remove(down);
        expect(await answer).to.equal(1);
        expect(performance.now() - started).to.be.at.least(1400);
      });

      it('reports an INSERT in flight at a connection reset as OutcomeUnknownError and applies it at most once', async () => {
        expect(await client.selectOne()).to.equal(1);
        const id = `${library}-${Date.now()}`;
        const insert = settle(client.insert(id));
        await delay(200);
        const down = proxy.add({ type: 'down' });
        await delay(50);
        await proxy.remove(down);
        const { error } = await insert;
        expect(findOutcomeUnknown(error), `what ${library} threw: ${String(error)}`).to.not.equal(
          undefined,
        );
        await delay(600);
        const rows = (await rawQuery(shared, `SELECT id FROM ${table} WHERE id = ?`, [
          id,
        ])) as unknown[];
        expect(rows.length).to.be.at.most(1);
        expect(await client.selectOne()).to.equal(1);
      });
    });
  }
});
