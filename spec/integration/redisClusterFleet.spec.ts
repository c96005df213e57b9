// Fleet-wide state across real processes against a Redis Cluster: three child processes (tsx,
// killed by pid afterwards), each with its own holdfast cluster client and RedisSharedStore,
// share one circuit breaker and one retry budget through a private 3-master cluster. The store's
// Lua scripts touch two keys of a breaker at once, which a cluster runs only when both live in
// one slot (the `{key}` hash tag).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { expect } from 'chai';
import { createRedisCluster } from '../../src/ioredis/createRedisCluster.js';
import { RedisSharedStore } from '../../src/ioredis/shared/RedisSharedStore.js';
import { RedisClusterGroup } from '../helpers/servers/RedisClusterGroup.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
const fixture = 'spec/integration/fixtures/clusterFleetPeer.ts';

/** One child process of the fleet; answers one JSON line per command. */
class Peer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;
  #buffer = '';
  #stderr = '';

  constructor(
    readonly id: string,
    nodes: readonly { host: string; port: number }[],
    prefix: string,
  ) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', fixture, JSON.stringify(nodes), prefix, id],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: 'pipe' },
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      const parts = this.#buffer.split('\n');
      this.#buffer = parts.pop() ?? '';
      this.#lines.push(...parts.filter((line) => line.trim() !== ''));
      this.#wake?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
  }

  /** The next line the process prints, parsed. */
  async next(timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.#lines.length === 0) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`peer ${this.id} did not answer; stderr: ${this.#stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return JSON.parse(this.#lines.shift() ?? '{}') as Record<string, unknown>;
  }

  async ask(command: string): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${command}\n`);
    return this.next();
  }

  /** Asks `command` until `done` holds for the answer (every 20 ms, up to `timeoutMs`). */
  async askUntil(
    command: string,
    done: (answer: Record<string, unknown>) => boolean,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.ask(command);
      if (done(answer) || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      process.kill(this.child.pid, 'SIGKILL');
    }
  }
}

describe('fleet-wide breaker and budget: processes against a Redis Cluster', function () {
  this.timeout(90_000);
  const prefix = `holdfast-fleet:${process.pid}:`;
  let group: RedisClusterGroup | undefined;
  const peers: Peer[] = [];

  before(async () => {
    group = await RedisClusterGroup.start({ masters: 3, replicasPerMaster: 0 });
    for (const id of ['a', 'b', 'c']) peers.push(new Peer(id, group.startupNodes, prefix));
    for (const peer of peers) expect(await peer.next(40_000)).to.deep.equal({ ready: true });
  });

  after(async () => {
    for (const peer of peers) peer.kill();
    await group?.stop();
  });

  it("keeps a breaker's two keys in one slot, so its scripts run on a cluster", async () => {
    const cluster = createRedisCluster(group!.startupNodes); // opens nothing
    const store = new RedisSharedStore({ client: cluster, prefix, subscriber: false });
    const slots = await Promise.all(store.keysOf('mysql-main').map((key) => group!.slotOf(key)));
    expect(slots[0]).to.equal(slots[1]);
    await cluster.close();
  });

  it("one process's failures open the breaker for the others, which then never connect", async () => {
    const [a, b, c] = peers as [Peer, Peer, Peer];
    const started = Date.now();
    // A: three refused connects trip the breaker; the fourth attempt is refused by it.
    expect(await a.ask('ready')).to.deep.equal({ connects: 3, code: 'ERR_HOLDFAST_CIRCUIT_OPEN' });
    for (const peer of [b, c]) {
      const state = await peer.askUntil('breaker', (answer) => answer['status'] === 'open');
      expect(state, peer.id).to.deep.equal({ status: 'open', source: 'shared' });
      expect(await peer.ask('ready'), peer.id).to.deep.equal({
        connects: 0,
        code: 'ERR_HOLDFAST_CIRCUIT_OPEN',
      });
    }
    console.log(
      `      B and C refused without connecting ${Date.now() - started} ms after A began`,
    );
  });

  it('spends one retry budget for the whole fleet', async () => {
    const [a, b, c] = peers as [Peer, Peer, Peer];
    const { spent } = await a.ask('spend');
    expect(spent).to.be.greaterThan(0);
    for (const peer of [b, c]) {
      await peer.askUntil('tokens', (answer) => Number(answer['tokens']) <= 5);
      expect(await peer.ask('spend'), peer.id).to.deep.equal({ spent: 0 });
    }
    console.log(`      the fleet of 3 spent ${String(spent)} retries of one bucket of 10`);
  });
});
