// A private redis-server on a free loopback port in its own temp dir, for specs that kill,
// pause and restart it. Never touches the shared Redis on 6379.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './freePort.js';
import { ManagedServer, type LaunchSpec } from './ManagedServer.js';
import { pingRedis } from './pingRedis.js';
import { makeTempDir } from './tempDir.js';

export interface RedisServerOptions {
  /**
   * Append-only file on, with `appendfsync always`, so that every acknowledged write survives
   * kill -9 (what the chaos invariants need). @default false (no persistence at all)
   */
  readonly appendonly?: boolean;
  /** Sets `requirepass`; the readiness probe then authenticates with it. */
  readonly requirepass?: string;
  /** Extra `--name value` arguments, appended last (they win over the defaults). */
  readonly args?: readonly string[];
  /** The port to listen on (e.g. one of `freePorts(n)`). @default a free port */
  readonly port?: number;
}

const REDIS_SERVER = '/usr/bin/redis-server';

export class RedisServer extends ManagedServer {
  protected readonly label: string;
  protected readonly readyTimeoutMs = 15_000;
  private readonly options: RedisServerOptions;

  private constructor(port: number, dir: string, options: RedisServerOptions) {
    super(port, dir);
    this.options = options;
    this.label = `redis-server :${port}`;
  }

  /** Starts a private redis-server and resolves once it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await makeTempDir('redis');
    await mkdir(join(dir, 'data'));
    const server = new RedisServer(options.port ?? (await freePort()), dir, options);
    await server.launch();
    return server;
  }

  protected launchSpec(): LaunchSpec {
    const { appendonly = false, requirepass, args = [] } = this.options;
    return {
      command: REDIS_SERVER,
      args: [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        join(this.dir, 'data'),
        '--daemonize',
        'no',
        '--save',
        '',
        '--appendonly',
        appendonly ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--io-threads',
        '1',
        ...(requirepass === undefined ? [] : ['--requirepass', requirepass]),
        ...args,
      ],
    };
  }

  /** AUTH (when a password is set) then PING over a raw socket; ready on +PONG. */
  protected probe(): Promise<void> {
    return pingRedis(this.host, this.port, this.options.requirepass);
  }
}
