// A private Redis Sentinel deployment: one master, one replica, three sentinels (quorum 2), all
// on free loopback ports, with short down-after and failover timeouts so that a killed master's
// replica is promoted within a few seconds.
import { askRedis, parseInfo, waitFor } from './askRedis.js';
import { RedisServer } from './RedisServer.js';
import { SentinelServer } from './SentinelServer.js';

export interface RedisSentinelGroupOptions {
  /** The master's name for sentinels and clients. @default 'hf18master' */
  readonly masterName?: string;
  /** @default 1000 */
  readonly downAfterMs?: number;
  /** @default 3000 */
  readonly failoverTimeoutMs?: number;
}

// A replica's first sync starts at once instead of after 5 s (either server may become master).
const dataArgs = ['--repl-diskless-sync-delay', '0'];

export class RedisSentinelGroup {
  readonly masterName: string;
  /** The master at start; after a failover, the former master. */
  readonly master: RedisServer;
  readonly replica: RedisServer;
  readonly sentinels: readonly SentinelServer[];

  private constructor(
    masterName: string,
    master: RedisServer,
    replica: RedisServer,
    sentinels: readonly SentinelServer[],
  ) {
    this.masterName = masterName;
    this.master = master;
    this.replica = replica;
    this.sentinels = sentinels;
  }

  /**
   * Master, then its replica (waits for the link), then three sentinels; resolves when every
   * sentinel knows the replica and the other two sentinels (without that a failover cannot be
   * voted).
   */
  static async start(options: RedisSentinelGroupOptions = {}): Promise<RedisSentinelGroup> {
    const { masterName = 'hf18master', downAfterMs = 1000, failoverTimeoutMs = 3000 } = options;
    const servers: { stop(): Promise<void> }[] = [];
    try {
      const master = await RedisServer.start({ args: dataArgs });
      servers.push(master);
      const replica = await RedisServer.start({
        args: [...dataArgs, '--replicaof', master.host, String(master.port)],
      });
      servers.push(replica);
      await waitFor(
        'replica linked',
        async () =>
          parseInfo(await askRedis(replica.port, 'INFO', 'replication')).get(
            'master_link_status',
          ) === 'up'
            ? true
            : undefined,
        10_000,
      );
      const started = await Promise.allSettled(
        [0, 1, 2].map(() =>
          SentinelServer.start({
            masterName,
            masterPort: master.port,
            quorum: 2,
            downAfterMs,
            failoverTimeoutMs,
          }),
        ),
      );
      for (const r of started) if (r.status === 'fulfilled') servers.push(r.value);
      const failed = started.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const sentinels = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const group = new RedisSentinelGroup(masterName, master, replica, sentinels);
      await group.waitInformed();
      return group;
    } catch (error) {
      await Promise.allSettled(servers.map((s) => s.stop()));
      throw error;
    }
  }

  /** What a client passes as `sentinels`. */
  get sentinelAddresses(): { host: string; port: number }[] {
    return this.sentinels.map((s) => ({ host: s.host, port: s.port }));
  }

  /** The master's port according to a running sentinel. */
  async masterPort(): Promise<number> {
    const sentinel = this.sentinels.find((s) => s.pid !== undefined);
    if (sentinel === undefined) throw new Error('RedisSentinelGroup: no sentinel running');
    const reply = await this.askSentinel(sentinel, 'GET-MASTER-ADDR-BY-NAME');
    return Number((reply as string[])[1]);
  }

  /** Waits until every sentinel names a master other than `formerPort` and it accepts writes. */
  async waitForPromotion(formerPort: number, timeoutMs = 20_000): Promise<number> {
    return waitFor(
      'sentinel failover',
      async () => {
        const ports = await Promise.all(
          this.sentinels.map(async (s) =>
            Number(((await this.askSentinel(s, 'GET-MASTER-ADDR-BY-NAME')) as string[])[1]),
          ),
        );
        const port = ports[0];
        if (port === undefined || port === formerPort || ports.some((p) => p !== port)) {
          return undefined;
        }
        const role = parseInfo(await askRedis(port, 'INFO', 'replication')).get('role');
        return role === 'master' ? port : undefined;
      },
      timeoutMs,
    );
  }

  /** The data server (master or replica) on `port`. */
  server(port: number): RedisServer {
    const server = [this.master, this.replica].find((s) => s.port === port);
    if (server === undefined) throw new Error(`RedisSentinelGroup: no server on port ${port}`);
    return server;
  }

  /**
   * Restarts a killed data server and waits until the sentinels have made it a replica of the
   * current master, linked and not flagged down: the group can fail over again.
   */
  async recover(port: number, timeoutMs = 20_000): Promise<void> {
    await this.server(port).restart();
    await this.waitReplica(port, timeoutMs);
  }

  /**
   * Makes a former master that is still running a replica of the current master at once, as
   * the sentinels would at their next INFO to it (up to 10 s later), and waits for the link.
   */
  async reattach(port: number, timeoutMs = 20_000): Promise<void> {
    const master = await this.masterPort();
    await askRedis(port, 'REPLICAOF', '127.0.0.1', master);
    await this.waitReplica(port, timeoutMs);
  }

  /**
   * Waits until the server on `port` replicates the current master (link up) and no sentinel
   * flags it down. (A sentinel refreshes a replica's INFO every 10 s, or every second while its
   * master is down: a replica that has just been restarted is not yet a candidate for a manual
   * SENTINEL FAILOVER, only for one that follows a master's death.)
   */
  async waitReplica(port: number, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      'former master rejoined as replica',
      async () => {
        const info = parseInfo(await askRedis(port, 'INFO', 'replication'));
        if (info.get('role') !== 'slave' || info.get('master_link_status') !== 'up') {
          return undefined;
        }
        for (const sentinel of this.sentinels) {
          const replicas = (await this.askSentinel(sentinel, 'REPLICAS')) as string[][];
          const entry = replicas.find(
            (fields) => fields[fields.indexOf('port') + 1] === String(port),
          );
          const flags = entry?.[entry.indexOf('flags') + 1] ?? 's_down';
          if (flags.includes('down')) return undefined;
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** Stops sentinels first (so they start no failover), then the data servers. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.sentinels.map((s) => s.stop()));
    await Promise.allSettled([this.master.stop(), this.replica.stop()]);
  }

  /** `SENTINEL <subcommand> <master name>` on one sentinel. */
  private askSentinel(sentinel: SentinelServer, subcommand: string): Promise<unknown> {
    return askRedis(sentinel.port, 'SENTINEL', subcommand, this.masterName);
  }

  private async waitInformed(): Promise<void> {
    await waitFor(
      'sentinels informed',
      async () => {
        for (const sentinel of this.sentinels) {
          const replicas = (await this.askSentinel(sentinel, 'REPLICAS')) as unknown[];
          const peers = (await this.askSentinel(sentinel, 'SENTINELS')) as unknown[];
          if (replicas.length < 1 || peers.length < this.sentinels.length - 1) return undefined;
        }
        return true;
      },
      15_000,
    );
  }
}
