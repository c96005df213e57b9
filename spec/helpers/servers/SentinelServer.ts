// A private `redis-server --sentinel` on a free loopback port, monitoring one master. Sentinel
// rewrites its config file, so the file lives in the server's own temp dir.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './freePort.js';
import { ManagedServer, type LaunchSpec } from './ManagedServer.js';
import { pingRedis } from './pingRedis.js';
import { makeTempDir } from './tempDir.js';

export interface SentinelServerOptions {
  /** The monitored master's name (what clients pass as `name`). */
  readonly masterName: string;
  readonly masterPort: number;
  /** Sentinels that must agree the master is down. */
  readonly quorum: number;
  /** Silence after which a master is subjectively down. */
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
}

const REDIS_SERVER = '/usr/bin/redis-server';

export class SentinelServer extends ManagedServer {
  protected readonly label: string;
  protected readonly readyTimeoutMs = 15_000;

  private constructor(port: number, dir: string) {
    super(port, dir);
    this.label = `redis sentinel :${port}`;
  }

  /** Writes the config and starts the sentinel; resolves once it answers PING. */
  static async start(options: SentinelServerOptions): Promise<SentinelServer> {
    const dir = await makeTempDir('sentinel');
    const port = await freePort();
    const { masterName: name } = options;
    await writeFile(
      join(dir, 'sentinel.conf'),
      [
        `port ${port}`,
        'bind 127.0.0.1',
        'daemonize no',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${options.masterPort} ${options.quorum}`,
        `sentinel down-after-milliseconds ${name} ${options.downAfterMs}`,
        `sentinel failover-timeout ${name} ${options.failoverTimeoutMs}`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const server = new SentinelServer(port, dir);
    await server.launch();
    return server;
  }

  protected launchSpec(): LaunchSpec {
    return { command: REDIS_SERVER, args: [join(this.dir, 'sentinel.conf'), '--sentinel'] };
  }

  protected probe(): Promise<void> {
    return pingRedis(this.host, this.port);
  }
}
