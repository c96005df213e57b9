// Two private MariaDB servers with GTID replication: a primary (binary log on) and a read-only
// replica, both started from copies of the one datadir template (so they begin identical and the
// replica replays the primary's binary log from its first event). An application user `app`
// without SUPER is created on the primary and replicates: read_only binds it, as it binds a
// service, while root (SUPER) is not bound by read_only.
import { createConnection, type Connection } from 'mysql2/promise';
import { waitFor } from './askRedis.js';
import { MariaDbServer } from './MariaDbServer.js';

export const appUser = 'hf18app';

function binlogArgs(serverId: number): string[] {
  return [
    `--server-id=${serverId}`,
    '--log-bin=mysql-bin',
    '--binlog-format=ROW',
    '--log-slave-updates=ON',
    // Keeps the test's servers quick to stop: nothing to flush at shutdown.
    '--sync-binlog=0',
  ];
}

export class MariaDbReplication {
  readonly primary: MariaDbServer;
  readonly replica: MariaDbServer;

  private constructor(primary: MariaDbServer, replica: MariaDbServer) {
    this.primary = primary;
    this.replica = replica;
  }

  /** Both servers in parallel, the `app` user on the primary, the replica replicating. */
  static async start(): Promise<MariaDbReplication> {
    const started = await Promise.allSettled([
      MariaDbServer.start({ args: binlogArgs(1) }),
      MariaDbServer.start({ args: [...binlogArgs(2), '--read-only=ON'] }),
    ]);
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    const [primary, replica] = servers;
    if (failed !== undefined || primary === undefined || replica === undefined) {
      await Promise.allSettled(servers.map((s) => s.stop()));
      throw failed?.status === 'rejected' ? failed.reason : new Error('MariaDbReplication');
    }
    const group = new MariaDbReplication(primary, replica);
    try {
      await group.onPrimary(async (c) => {
        await c.query(`CREATE USER '${appUser}'@'127.0.0.1'`);
        await c.query(
          `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON test.* TO '${appUser}'@'127.0.0.1'`,
        );
      });
      await group.onReplica(async (c) => {
        await c.query(
          `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
        );
        await c.query('START SLAVE');
      });
      await group.waitCaughtUp();
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  }

  /** Runs `fn` on a root connection to the primary. */
  onPrimary<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    return withRoot(this.primary, fn);
  }

  /** Runs `fn` on a root connection to the replica. */
  onReplica<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    return withRoot(this.replica, fn);
  }

  /** Waits until the replica has applied everything the primary has logged so far. */
  async waitCaughtUp(timeoutMs = 10_000): Promise<void> {
    const [[row]] = (await this.onPrimary((c) => c.query('SELECT @@gtid_binlog_pos AS pos'))) as [
      [{ pos: string }?],
      unknown,
    ];
    const pos = row?.pos ?? '';
    await waitFor(
      'replica caught up',
      () =>
        this.onReplica(async (c) => {
          const [[result]] = (await c.query('SELECT MASTER_GTID_WAIT(?, 0.5) AS r', [pos])) as [
            [{ r: number }?],
            unknown,
          ];
          return result?.r === 0 ? true : undefined;
        }),
      timeoutMs,
    );
  }

  /**
   * What an orchestrator does when the primary is gone: the replica stops replicating, forgets
   * its primary and accepts writes.
   */
  async promoteReplica(): Promise<void> {
    await this.onReplica(async (c) => {
      await c.query('STOP SLAVE');
      await c.query('RESET SLAVE ALL');
      await c.query('SET GLOBAL read_only = OFF');
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.primary.stop(), this.replica.stop()]);
  }
}

async function withRoot<T>(server: MariaDbServer, fn: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
    connectTimeout: 2000,
  });
  try {
    return await fn(connection);
  } finally {
    connection.destroy();
  }
}
