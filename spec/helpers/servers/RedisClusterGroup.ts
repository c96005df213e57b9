// A private Redis Cluster (3 masters + 3 replicas by default) on free loopback ports, each node
// a RedisServer in its own temp dir (nodes.conf kept there, so a killed node restarts with its
// identity and rejoins). Started with a short cluster-node-timeout so that a killed master's
// replica is promoted within a few seconds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { askRedis, parseInfo, waitFor } from './askRedis.js';
import { freePorts } from './freePort.js';
import { RedisServer } from './RedisServer.js';

const run = promisify(execFile);
const REDIS_CLI = '/usr/bin/redis-cli';

export interface RedisClusterGroupOptions {
  /** @default 3 */
  readonly masters?: number;
  /** @default 1 */
  readonly replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a silent master takes to be declared failed. @default 1000 */
  readonly nodeTimeoutMs?: number;
}

/** One line of CLUSTER NODES. */
export interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The master's id, for a replica. */
  readonly masterId: string | undefined;
  /** Flagged `fail` or `fail?` by the node that answered. */
  readonly failing: boolean;
  /** Slot ranges it serves (masters), inclusive. */
  readonly slots: readonly (readonly [number, number])[];
}

export class RedisClusterGroup {
  readonly nodes: readonly RedisServer[];
  readonly masters: number;
  readonly replicasPerMaster: number;

  private constructor(nodes: readonly RedisServer[], masters: number, replicasPerMaster: number) {
    this.nodes = nodes;
    this.masters = masters;
    this.replicasPerMaster = replicasPerMaster;
  }

  /** Starts the nodes in parallel, joins them with `redis-cli --cluster create`, waits for ok. */
  static async start(options: RedisClusterGroupOptions = {}): Promise<RedisClusterGroup> {
    const { masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 1000 } = options;
    const count = masters * (1 + replicasPerMaster);
    // Data and bus ports drawn together: two parallel draws could hand out the same port.
    const ports = await freePorts(2 * count);
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        RedisServer.start({
          port: ports[2 * i]!,
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            String(nodeTimeoutMs),
            // The bus port defaults to port + 10000, which may not exist above 55535.
            '--cluster-port',
            String(ports[2 * i + 1]!),
            // Any replica may take over, however long ago it last heard from its master.
            '--cluster-replica-validity-factor',
            '0',
            // A replica's first sync starts at once instead of after 5 s.
            '--repl-diskless-sync-delay',
            '0',
          ],
        }),
      ),
    );
    const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const cluster = new RedisClusterGroup(nodes, masters, replicasPerMaster);
    try {
      const failed = started.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      await run(REDIS_CLI, [
        '--cluster',
        'create',
        ...nodes.map((node) => `${node.host}:${node.port}`),
        '--cluster-replicas',
        String(replicasPerMaster),
        '--cluster-yes',
      ]);
      await cluster.waitHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Where a cluster client starts. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: node.host, port: node.port }));
  }

  /** The running node on `port`. */
  node(port: number): RedisServer {
    const node = this.nodes.find((n) => n.port === port);
    if (node === undefined) throw new Error(`RedisClusterGroup: no node on port ${port}`);
    return node;
  }

  /** CLUSTER NODES as seen by the first running node (or by `port`). */
  async topology(port = this.anyRunningPort()): Promise<ClusterNode[]> {
    const text = String(await askRedis(port, 'CLUSTER', 'NODES'));
    return text
      .trim()
      .split('\n')
      .map((line) => parseNodeLine(line));
  }

  /** The slot of a key (CLUSTER KEYSLOT). */
  async slotOf(key: string): Promise<number> {
    return Number(await askRedis(this.anyRunningPort(), 'CLUSTER', 'KEYSLOT', key));
  }

  /** The master currently serving `key`'s slot. */
  async masterOf(key: string): Promise<ClusterNode> {
    const slot = await this.slotOf(key);
    const master = (await this.topology()).find(
      (n) => n.role === 'master' && !n.failing && n.slots.some(([a, b]) => slot >= a && slot <= b),
    );
    if (master === undefined)
      throw new Error(`RedisClusterGroup: no live master serves slot ${slot}`);
    return master;
  }

  /** One key per master (`${prefix}0`, `${prefix}1`, ...), so that a load touches every master. */
  async keysOnEveryMaster(prefix: string): Promise<string[]> {
    const byMaster = new Map<string, string>();
    for (let i = 0; byMaster.size < this.masters && i < 1000; i++) {
      const key = `${prefix}${i}`;
      const master = await this.masterOf(key);
      if (!byMaster.has(master.id)) byMaster.set(master.id, key);
    }
    return [...byMaster.values()];
  }

  /**
   * Waits until a node other than `formerMasterId` serves `key`'s slot as master, as seen by a
   * running node; resolves with it.
   */
  async waitForPromotion(
    key: string,
    formerMasterId: string,
    timeoutMs = 15_000,
  ): Promise<ClusterNode> {
    return waitFor(
      'replica promoted',
      async () => {
        const master = await this.masterOf(key).catch(() => undefined);
        return master !== undefined && master.id !== formerMasterId ? master : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Every running node says cluster_state:ok, knows no failing node, and sees each master with
   * its replicas: the state a scenario starts from (and returns to after a restart).
   */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const running = this.nodes.filter((n) => n.pid !== undefined);
    await waitFor(
      'cluster healthy',
      async () => {
        for (const node of running) {
          const info = parseInfo(await askRedis(node.port, 'CLUSTER', 'INFO'));
          if (info.get('cluster_state') !== 'ok') return undefined;
          const nodes = await this.topology(node.port);
          if (nodes.length !== running.length || nodes.some((n) => n.failing)) return undefined;
          const masters = nodes.filter((n) => n.role === 'master' && n.slots.length > 0);
          if (masters.length !== this.masters) return undefined;
          for (const master of masters) {
            const replicas = nodes.filter((n) => n.masterId === master.id).length;
            if (replicas < this.replicasPerMaster) return undefined;
          }
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** Stops every node (by pid) and removes their temp dirs. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((node) => node.stop()));
  }

  private anyRunningPort(): number {
    const node = this.nodes.find((n) => n.pid !== undefined);
    if (node === undefined) throw new Error('RedisClusterGroup: no node is running');
    return node.port;
  }
}

function parseNodeLine(line: string): ClusterNode {
  const [id = '', address = '', flags = '', master = '-', , , , , ...slotFields] = line.split(' ');
  const flagSet = new Set(flags.split(','));
  const port = Number(address.split('@')[0]?.split(':')[1]);
  const slots = slotFields
    .filter((field) => !field.startsWith('['))
    .map((field): [number, number] => {
      const [from, to] = field.split('-').map(Number);
      return [from ?? 0, to ?? from ?? 0];
    });
  return {
    id,
    port,
    role: flagSet.has('master') ? 'master' : 'replica',
    masterId: master === '-' ? undefined : master,
    failing: flagSet.has('fail') || flagSet.has('fail?'),
    slots,
  };
}
