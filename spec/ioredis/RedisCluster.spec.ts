// RedisCluster without sockets: a lazy cluster opens nothing until a command or ready(). What it
// does against real nodes is in spec/chaos/redisCluster.spec.ts and
// spec/integration/redisClusterFleet.spec.ts.
import { expect } from 'chai';
import { Cluster, type Command } from 'ioredis';
import { RedisCluster, createRedisCluster } from '../../src/ioredis/index.js';
import { idempotentMark } from '../../src/ioredis/isSafeToResend.js';

describe('RedisCluster', () => {
  const made: RedisCluster[] = [];
  const cluster = (options: Parameters<typeof createRedisCluster>[1] = {}): RedisCluster => {
    const c = createRedisCluster([{ host: '127.0.0.1', port: 1 }], { env: {}, ...options });
    made.push(c);
    return c;
  };

  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
  });

  it('is an ioredis Cluster that opens nothing until asked, with no node known yet', () => {
    const c = cluster();
    expect(c).to.be.instanceOf(Cluster);
    expect(c.status).to.equal('wait');
    expect(c.state.status).to.equal('idle');
    expect(c.nodeStates.size).to.equal(0);
  });

  describe('duplicate()', () => {
    it('is a holdfast cluster with the same policy and a state of its own', () => {
      const c = cluster({ targetName: 'orders', retry: { maxRetries: 7 } });
      const copy = c.duplicate();
      made.push(copy);
      expect(copy).to.be.instanceOf(RedisCluster);
      expect(copy).to.not.equal(c);
      expect(copy.targetName).to.equal('orders');
      expect(copy.policy).to.deep.equal(c.policy);
      expect(copy.state$).to.not.equal(c.state$);
    });

    it('applies overrides and refuses an option holdfast owns', () => {
      const c = cluster();
      const copy = c.duplicate([], { targetName: 'copy' });
      made.push(copy);
      expect(copy.targetName).to.equal('copy');
      expect(() => c.duplicate([], { lazyConnect: false } as never))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CONFIG');
    });
  });

  describe('idempotent', () => {
    it('marks what it sends for the re-send rule, and sends it through the cluster', () => {
      const c = cluster();
      const sent: Command[] = [];
      Object.assign(c, {
        sendCommand(command: Command) {
          sent.push(command);
          return command.promise;
        },
      });
      void c.idempotent.incr('counter').catch(() => undefined);
      expect(sent.map((command) => command.name)).to.deep.equal(['incr']);
      expect((sent[0] as Command & { [idempotentMark]?: boolean })[idempotentMark]).to.equal(true);
    });
  });

  describe('close()', () => {
    it('ends state$ and nodeStates$', async () => {
      const c = cluster();
      const completed: string[] = [];
      c.state$.subscribe({ complete: () => completed.push('state$') });
      c.nodeStates$.subscribe({ complete: () => completed.push('nodeStates$') });
      await c.close();
      expect(c.state.status).to.equal('closed');
      await new Promise((resolve) => setImmediate(resolve));
      expect(completed).to.have.members(['state$', 'nodeStates$']);
    });
  });
});
