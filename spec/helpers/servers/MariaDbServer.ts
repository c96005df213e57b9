// A private mariadbd on a free loopback port, for specs that kill, pause and restart it.
// Never touches the shared MariaDB on 3306. Each start copies one datadir template that is
// initialised once per test process (root@localhost/127.0.0.1 without password, database
// `test`), so a start costs a copy plus server boot, not a mariadb-install-db run.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './freePort.js';
import { ManagedServer, type LaunchSpec } from './ManagedServer.js';
import { registerDir } from './registry.js';
import { makeTempDir, removeTempDir } from './tempDir.js';

export interface MariaDbServerOptions {
  /**
   * `max_connections` of the server (a small value provokes "too many connections"); MariaDB
   * clamps it to at least 10 and lets one extra SUPER (root) connection in. @default 50
   */
  readonly maxConnections?: number;
  /** Extra `--name=value` server options, appended last (they win over the defaults). */
  readonly args?: readonly string[];
}

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const run = promisify(execFile);

// Small InnoDB files and buffers: these servers hold a few rows and must boot fast.
const SMALL_SERVER = [
  '--innodb-buffer-pool-size=16M',
  '--innodb-log-file-size=4M',
  '--innodb-log-buffer-size=1M',
  '--innodb-temp-data-file-path=ibtmp1:1M:autoextend',
  '--innodb-buffer-pool-load-at-startup=OFF',
  '--innodb-buffer-pool-dump-at-shutdown=OFF',
  '--skip-name-resolve',
] as const;

let template: Promise<string> | undefined;

/** Runs mariadb-install-db once per process; later calls share the result. */
function datadirTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = await makeTempDir('mariadb-template');
    registerDir(dir);
    const datadir = join(dir, 'data');
    try {
      await run(INSTALL_DB, [
        '--no-defaults',
        `--datadir=${datadir}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        ...SMALL_SERVER,
      ]);
    } catch (error) {
      await removeTempDir(dir);
      template = undefined;
      throw error;
    }
    // A database is a directory in MariaDB's datadir; creating it here avoids booting the
    // template server just to run CREATE DATABASE.
    await mkdir(join(datadir, 'test'));
    await writeFile(
      join(datadir, 'test', 'db.opt'),
      'default-character-set=utf8mb4\ndefault-collation=utf8mb4_general_ci\n',
    );
    return datadir;
  })();
  return template;
}

export class MariaDbServer extends ManagedServer {
  protected readonly label: string;
  protected readonly readyTimeoutMs = 30_000;
  /** The user the template grants (no password, TCP from 127.0.0.1). */
  readonly user = 'root';
  readonly database = 'test';
  private readonly options: MariaDbServerOptions;

  private constructor(port: number, dir: string, options: MariaDbServerOptions) {
    super(port, dir);
    this.options = options;
    this.label = `mariadbd :${port}`;
  }

  /** Starts a private mariadbd and resolves once `SELECT 1` succeeds over TCP. */
  static async start(options: MariaDbServerOptions = {}): Promise<MariaDbServer> {
    const source = await datadirTemplate();
    const dir = await makeTempDir('mariadb');
    await run('cp', ['-a', source, join(dir, 'data')]);
    const server = new MariaDbServer(await freePort(), dir, options);
    await server.launch();
    return server;
  }

  protected launchSpec(): LaunchSpec {
    const { maxConnections = 50, args = [] } = this.options;
    return {
      command: MARIADBD,
      args: [
        '--no-defaults',
        '--user=root',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        `--log-error=${this.logPath}`,
        '--skip-log-bin',
        '--performance-schema=OFF',
        `--max-connections=${maxConnections}`,
        ...SMALL_SERVER,
        ...args,
      ],
    };
  }

  /** A real handshake and query (not just a TCP connect): InnoDB recovery is finished. */
  protected async probe(): Promise<void> {
    const connection = await createConnection({
      host: this.host,
      port: this.port,
      user: this.user,
      database: this.database,
      connectTimeout: 1000,
    });
    try {
      await connection.query('SELECT 1');
    } finally {
      connection.destroy();
    }
  }
}
