// What holdfast/mysql2 relies on in mysql2 itself (DESIGN.md "Decorating a driver": pin every
// assumption). Plain mysql2 against the shared MariaDB; each test names the holdfast file that
// breaks when a driver upgrade changes the behaviour.
import { expect } from 'chai';
import mysql, { type Pool, type PoolConnection } from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { Socket } from 'node:net';
import { once } from 'node:events';

const shared = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;

function checkout(pool: Pool): Promise<PoolConnection> {
  return new Promise((resolve, reject) => {
    pool.getConnection((error, connection) => {
      if (error) reject(error);
      else resolve(connection);
    });
  });
}

describe('mysql2 (the behaviour holdfast/mysql2 relies on)', function () {
  this.timeout(10_000);
  const pools: Pool[] = [];
  const open = (options: mysql.PoolOptions = {}): Pool => {
    const pool = mysql.createPool({ ...shared, ...options });
    pools.push(pool);
    return pool;
  };
  afterEach(async () => {
    await Promise.all(
      pools.splice(0).map(
        (pool) =>
          new Promise<void>((resolve) => {
            pool.end(() => {
              resolve();
            });
          }),
      ),
    );
  });

  it('calls a `stream` factory with the config object the connection keeps as `connection.config` (SocketTracker)', async () => {
    const configs: object[] = [];
    const pool = open({
      stream: (argument: { config: object }) => {
        configs.push(argument.config);
        const socket = new Socket();
        socket.connect(shared.port, shared.host);
        return socket;
      },
    });
    const connection = await checkout(pool);
    expect(configs).to.have.length(1);
    expect(connection.config).to.equal(configs[0]);
    connection.release();
  });

  it("emits 'connection' for a new connection before handing it to getConnection's callback (decorateConnection)", async () => {
    const pool = open();
    const seen: PoolConnection[] = [];
    pool.on('connection', (connection) => seen.push(connection));
    const connection = await checkout(pool);
    expect(seen).to.deep.equal([connection]);
    connection.release();
  });

  it("emits 'enqueue' synchronously inside getConnection when every connection is out (gateCheckout)", async () => {
    const pool = open({ connectionLimit: 1 });
    const held = await checkout(pool);
    let enqueued = false;
    pool.on('enqueue', () => {
      enqueued = true;
    });
    const queued = checkout(pool);
    expect(enqueued).to.equal(true);
    held.release();
    (await queued).release();
  });

  it('runs pool.query and pool.execute through this.getConnection and the connection methods (poolStatements, decorateStatements)', async () => {
    const pool = open();
    const calls: string[] = [];
    const own = pool as unknown as Record<string, unknown>;
    own.getConnection = (callback: (e: Error | null, c?: PoolConnection) => void) => {
      calls.push('getConnection');
      (Object.getPrototypeOf(pool) as Pool).getConnection.call(pool, (error, connection) => {
        const decorated = connection as unknown as Record<string, unknown>;
        for (const method of ['query', 'execute']) {
          decorated[method] = (...args: unknown[]): unknown => {
            calls.push(`connection.${method}`);
            const original = (
              Object.getPrototypeOf(connection) as Record<string, (...a: unknown[]) => unknown>
            )[method];
            return original?.apply(connection, args);
          };
        }
        callback(error, connection);
      });
    };
    // The returned command is a thenable that throws: keep it boxed.
    const { command } = await new Promise<{ command: unknown }>((resolve, reject) => {
      const sent = pool.query('SELECT 1', (error) => {
        if (error) reject(error);
        else resolve({ command: sent });
      });
    });
    expect(command).to.be.an('object').with.property('sql', 'SELECT 1');
    await new Promise<void>((resolve, reject) => {
      pool.execute('SELECT ?', [1], (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
    expect(calls).to.deep.equal([
      'getConnection',
      'connection.query',
      'getConnection',
      'connection.execute',
    ]);
  });

  it("wraps the decorated pool in promise(): PromisePool's .pool is it and its methods call the pool's (createPool)", async () => {
    const pool = open();
    const own = pool as unknown as Record<string, unknown>;
    let queried = 0;
    const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    own.query = (...args: unknown[]): unknown => {
      queried += 1;
      return original(...args);
    };
    const promise = pool.promise();
    expect((promise as unknown as { pool: Pool }).pool).to.equal(pool);
    await promise.query('SELECT 1');
    expect(queried).to.equal(1);
    expect(mysqlPromise.createPool).to.be.a('function');
  });

  it("removes a connection whose socket was destroyed with an error, failing its command with that error (guardStatement's timeout)", async () => {
    const pool = open({ connectionLimit: 1 });
    const configs = new Map<object, Socket>();
    const tracked = open({
      connectionLimit: 1,
      stream: (argument: { config: object }) => {
        const socket = new Socket();
        socket.connect(shared.port, shared.host);
        configs.set(argument.config, socket);
        return socket;
      },
    });
    const connection = await checkout(tracked);
    connection.on('error', () => undefined);
    const failure = new Error('deadline passed');
    const result = new Promise<unknown>((resolve) => {
      connection.query('DO SLEEP(2)', (error) => {
        resolve(error);
      });
    });
    configs.get(connection.config)?.destroy(failure);
    expect(await result).to.equal(failure);
    const next = await checkout(tracked);
    expect(next).to.not.equal(connection);
    next.release();
    pool;
  });

  it("listens to a pool connection's 'error' only once: holdfast adds its own listener (decorateConnection)", async () => {
    const pool = open();
    const connection = await checkout(pool);
    expect(connection.listenerCount('error')).to.equal(1);
    connection.release();
  });

  it('connects a `stream` socket that opens later: nothing is written before the greeting (TargetGate)', async () => {
    const socket = new Socket();
    const connection = mysql.createConnection({
      ...shared,
      stream: () => socket,
    } as mysql.ConnectionOptions);
    setTimeout(() => socket.connect(shared.port, shared.host), 100);
    await once(connection, 'connect');
    const [rows] = await connection.promise().query('SELECT 1 AS one');
    expect(rows).to.deep.equal([{ one: 1 }]);
    connection.destroy();
  });
});
