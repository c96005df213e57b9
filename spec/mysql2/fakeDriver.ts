// A scripted MysqlDriver for unit specs: no sockets. A FakeServer decides how connects and
// statements go; connections can die the way mysql2's do (error event, closed state).
import { DatabasePool } from '../../src/mysql2/DatabasePool.js';
import { silentLogger } from '../../src/telemetry/Logger.js';
import type { DatabasePoolConfig } from '../../src/mysql2/DatabasePoolConfig.js';
import { parseDatabasePoolConfig } from '../../src/mysql2/parseDatabasePoolConfig.js';
import type {
  DriverConnection,
  DriverPool,
  DriverPoolHooks,
  MysqlDriver,
  QueryValues,
} from '../../src/mysql2/driver.js';
import { accessDenied, codeError, connectionRefused } from '../helpers/fakeErrors.js';

/** 'full': the server is up but at max_connections (ER_CON_COUNT_ERROR 1040 on connect). */
export type ServerMode = 'up' | 'refuse' | 'deny' | 'hang' | 'full';

/** What a statement does: a result, an error, or nothing until the test says so. */
export type Reply = { result: unknown } | { error: unknown } | 'hang';

interface PendingStatement {
  readonly sql: string;
  readonly resolve: (value: [unknown, unknown]) => void;
  readonly reject: (error: unknown) => void;
}

/** mysql2's error for a command on a dead connection (it has no code). */
export function closedStateError(): Error {
  return Object.assign(new Error("Can't add new command when connection is in closed state"), {
    fatal: true,
  });
}

export function connectionLost(): Error {
  return Object.assign(codeError('PROTOCOL_CONNECTION_LOST', undefined, 'Connection lost'), {
    fatal: true,
  });
}

export class FakeConnection implements DriverConnection {
  static nextId = 1;
  readonly id = FakeConnection.nextId++;
  #alive = true;
  pending: PendingStatement | undefined;

  constructor(
    private readonly server: FakeServer,
    private readonly pool: FakePool,
    private readonly hooks: DriverPoolHooks,
  ) {}

  get alive(): boolean {
    return this.#alive;
  }

  query(sql: string, _values: QueryValues | undefined): Promise<[unknown, unknown]> {
    return this.#run(sql);
  }

  execute(sql: string, _values: QueryValues | undefined): Promise<[unknown, unknown]> {
    return this.#run(sql);
  }

  async ping(): Promise<void> {
    await this.#run('PING');
  }

  release(): void {
    if (this.#alive) this.pool.free.push(this);
  }

  destroy(): void {
    this.#die(undefined);
  }

  /** The server end went away: the pending statement fails, the connection is gone. */
  kill(error: Error = connectionLost()): void {
    const pending = this.pending;
    this.pending = undefined;
    this.#die(error);
    pending?.reject(error);
  }

  /** Answers the statement left hanging. */
  answer(reply: { result: unknown } | { error: unknown }): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) throw new Error(`connection ${this.id} has no pending statement`);
    if ('result' in reply) pending.resolve([reply.result, []]);
    else pending.reject(reply.error);
  }

  #run(sql: string): Promise<[unknown, unknown]> {
    if (!this.#alive) return Promise.reject(closedStateError());
    this.server.statements.push(sql);
    const reply = this.server.reply(sql, this);
    if (reply === 'hang') {
      return new Promise((resolve, reject) => {
        this.pending = { sql, resolve, reject };
      });
    }
    if ('result' in reply) return Promise.resolve([reply.result, []]);
    return new Promise((_resolve, reject: (reason: Error) => void) => {
      reject(reply.error as Error);
    });
  }

  #die(error: Error | undefined): void {
    if (!this.#alive) return;
    this.#alive = false;
    const index = this.pool.free.indexOf(this);
    if (index >= 0) this.pool.free.splice(index, 1);
    this.hooks.closed(this, error);
  }
}

export class FakePool implements DriverPool {
  readonly free: FakeConnection[] = [];
  readonly connections: FakeConnection[] = [];
  ended = false;
  /** Connects abandoned through abortOpening(). */
  abortedConnects = 0;
  /** Connects left hanging by mode 'hang', in order. */
  readonly hanging: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(
    private readonly server: FakeServer,
    private readonly hooks: DriverPoolHooks,
  ) {}

  getConnection(): Promise<DriverConnection> {
    if (this.ended) return Promise.reject(new Error('Pool is closed.'));
    const free = this.free.pop();
    if (free !== undefined) return Promise.resolve(free);
    this.server.connectAttempts += 1;
    switch (this.server.mode) {
      case 'refuse':
        return Promise.reject(connectionRefused());
      case 'deny':
        return Promise.reject(accessDenied());
      case 'full':
        return Promise.reject(codeError('ER_CON_COUNT_ERROR', 1040, 'Too many connections'));
      case 'hang':
        return new Promise((resolve, reject) => {
          this.hanging.push({
            resolve: () => {
              resolve(this.#open());
            },
            reject,
          });
        });
      case 'up':
        return Promise.resolve(this.#open());
    }
  }

  abortOpening(reason: Error): void {
    const hanging = this.hanging.splice(0);
    this.abortedConnects += hanging.length;
    for (const connect of hanging) connect.reject(reason);
  }

  async end(): Promise<void> {
    this.ended = true;
    for (const connection of [...this.connections]) connection.destroy();
  }

  #open(): FakeConnection {
    const connection = new FakeConnection(this.server, this, this.hooks);
    this.connections.push(connection);
    this.server.connections.push(connection);
    this.hooks.opened(connection);
    return connection;
  }
}

/** The server behind every pool the driver creates. */
export class FakeServer {
  mode: ServerMode = 'up';
  connectAttempts = 0;
  readonly statements: string[] = [];
  readonly pools: FakePool[] = [];
  readonly connections: FakeConnection[] = [];
  /** How statements are answered. @default every statement returns `[{ ok: 1 }]` */
  reply: (sql: string, connection: FakeConnection) => Reply = () => ({ result: [{ ok: 1 }] });

  readonly driver: MysqlDriver = {
    createPool: (_options, hooks) => {
      const pool = new FakePool(this, hooks);
      this.pools.push(pool);
      return pool;
    },
  };

  /** Connections still open. */
  open(): FakeConnection[] {
    return this.connections.filter((c) => c.alive);
  }

  /** The server restarts: every open connection dies with PROTOCOL_CONNECTION_LOST. */
  killAll(): void {
    for (const connection of this.open()) connection.kill();
  }

  /** Statements (other than PING and transaction control) run so far. */
  userStatements(): string[] {
    return this.statements.filter(
      (sql) => !['PING', 'START TRANSACTION', 'COMMIT', 'ROLLBACK'].includes(sql),
    );
  }
}

/** A DatabasePool over the fake driver; DB_RETRY_* from the real environment are ignored. */
export function fakeDatabasePool(
  server: FakeServer,
  config: DatabasePoolConfig = {},
): DatabasePool {
  return new DatabasePool(
    parseDatabasePoolConfig({ pool_name: 'fake', logger: silentLogger, ...config }, {}),
    server.driver,
  );
}
