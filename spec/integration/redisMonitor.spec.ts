// ioredis's monitor() on a holdfast client, against the shared Redis on 127.0.0.1:6379: ioredis
// makes the MONITOR connection with `duplicate()`, so it is a holdfast client too (same policy,
// state$, close()), which answers `monitoring` instead of `ready`.
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisClient, createRedisClient } from '../../src/ioredis/index.js';

describe('RedisClient monitor()', function () {
  this.timeout(10_000);
  const key = `holdfast-monitor:${process.pid}`;
  let client: RedisClient;
  let monitor: Redis | undefined;

  before(() => {
    client = createRedisClient({ host: '127.0.0.1', port: 6379, targetName: 'monitored' });
  });

  after(async () => {
    if (monitor instanceof RedisClient) await monitor.close();
    else monitor?.disconnect();
    await client.del(key);
    await client.close();
  });

  it("resolves with a holdfast client that sees the other client's commands", async () => {
    monitor = await client.monitor();
    if (!(monitor instanceof RedisClient)) throw new Error('monitor() is not a holdfast client');
    expect(monitor.status).to.equal('monitoring');
    expect(monitor.state.status).to.equal('connected');
    expect(monitor.policy).to.deep.equal(client.policy);
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
    await client.set(key, 'watched');
    const deadline = Date.now() + 2_000;
    while (!seen.some((args) => args[0]?.toLowerCase() === 'set' && args[1] === key)) {
      if (Date.now() > deadline) throw new Error(`MONITOR saw ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  it('closes like any holdfast client: state$ ends closed, no socket left', async () => {
    const watcher = monitor;
    if (!(watcher instanceof RedisClient)) throw new Error('no monitor from the first test');
    const statuses: string[] = [];
    watcher.state$.subscribe((state) => statuses.push(state.status));
    await watcher.close();
    expect(statuses.at(-1)).to.equal('closed');
    expect(watcher.status).to.equal('end');
  });
});
