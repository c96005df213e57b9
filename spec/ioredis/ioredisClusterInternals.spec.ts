// Pins every assumption holdfast/ioredis makes about ioredis's Cluster (RedisCluster.ts,
// clusterCommandRetry.ts, ClusterNodeStates.ts, resolveRedisClusterOptions.ts): when an ioredis
// upgrade changes one of them, this spec fails before any behaviour does. No socket is opened:
// the cluster is lazy, its `connect` is stubbed, and ioredis's methods are called directly.
// (`refresh` after a slot refresh needs a server: spec/chaos/redisCluster.spec.ts sees it.)
import { expect } from 'chai';
import { Cluster, Command, type Redis } from 'ioredis';

/** The members of ioredis's Cluster that its types call private and this spec reaches. */
interface ClusterInside {
  status: string;
  readonly options: Record<string, unknown>;
  readonly offlineQueue: { readonly length: number };
  readonly delayQueue: { push(bucket: string, fn: () => void, options: object): void };
  readonly connectionPool: {
    findOrCreate(node: { host: string; port: number }, readOnly?: boolean): Redis;
  };
  flushQueue(error: Error): void;
  handleError(error: Error, ttl: { value?: number }, handlers: Record<string, unknown>): void;
}

const inside = (cluster: Cluster): ClusterInside => cluster as unknown as ClusterInside;

function lazyCluster(options: Record<string, unknown> = {}): Cluster {
  const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], {
    lazyConnect: true,
    enableOfflineQueue: true,
    ...options,
  });
  // sendCommand connects a `wait` cluster: nothing may open here.
  Object.assign(cluster, { connect: () => Promise.resolve() });
  return cluster;
}

function command(name: string, args: string[] = []): Command {
  const made = new Command(name, args);
  made.promise.catch(() => undefined);
  return made;
}

/** handleError's handlers, recording which one ioredis chose. */
function handlers(called: string[]): Record<string, (...args: unknown[]) => void> {
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      called.push([name, ...args.map(String)].join(' '));
    };
  return {
    moved: record('moved'),
    ask: record('ask'),
    tryagain: record('tryagain'),
    clusterDown: record('clusterDown'),
    connectionClosed: record('connectionClosed'),
    maxRedirections: record('maxRedirections'),
    defaults: record('defaults'),
  };
}

/** The delay queue, recording each retry ioredis queues and the wait it read. */
function recordDelays(cluster: ClusterInside): { bucket: string; timeout: unknown }[] {
  const queued: { bucket: string; timeout: unknown }[] = [];
  Object.assign(cluster.delayQueue, {
    push(bucket: string, _fn: () => void, options: { timeout?: unknown }) {
      queued.push({ bucket, timeout: options.timeout });
    },
  });
  return queued;
}

describe('ioredis Cluster internals holdfast relies on', () => {
  describe('sendCommand (RedisCluster.sendCommand)', () => {
    it('replaces a command’s reject with its error routing once, and queues it while not ready', () => {
      const cluster = lazyCluster();
      const cmd = command('incr', ['k']);
      const own = cmd.reject;
      void cluster.sendCommand(cmd);
      const routed = cmd.reject;
      expect(routed).to.not.equal(own);
      expect(inside(cluster).offlineQueue.length).to.equal(1);
      // Sent again (a retry, the offline queue): the routing is not wrapped a second time.
      void cluster.sendCommand(cmd);
      expect(cmd.reject).to.equal(routed);
    });
  });

  describe('flushQueue (RedisCluster replaces it on the instance)', () => {
    it('is an instance-callable method that rejects the offline queue with the error given', async () => {
      const cluster = lazyCluster();
      expect(typeof inside(cluster).flushQueue).to.equal('function');
      const cmd = command('get', ['k']);
      const reply = cluster.sendCommand(cmd) as Promise<unknown>;
      const error = new Error('policy gave up');
      inside(cluster).flushQueue(error);
      expect(inside(cluster).offlineQueue.length).to.equal(0);
      // Through the routing (handleError's defaults): the very error, not a wrapper.
      expect(await reply.catch((e: unknown) => e)).to.equal(error);
    });
  });

  describe('handleError (clusterCommandRetry.ts)', () => {
    it('reads the retry waits from the live options object each time it queues a retry', () => {
      const cluster = lazyCluster({ retryDelayOnTryAgain: 1, retryDelayOnClusterDown: 1 });
      const queued = recordDelays(inside(cluster));
      inside(cluster).status = 'ready';
      inside(cluster).options['retryDelayOnFailover'] = 37;
      inside(cluster).handleError(new Error('Connection is closed.'), {}, handlers([]));
      inside(cluster).options['retryDelayOnTryAgain'] = 41;
      inside(cluster).handleError(new Error('TRYAGAIN later'), {}, handlers([]));
      inside(cluster).options['retryDelayOnClusterDown'] = 43;
      inside(cluster).handleError(new Error('CLUSTERDOWN The cluster is down'), {}, handlers([]));
      expect(queued).to.deep.equal([
        { bucket: 'failover', timeout: 37 },
        { bucket: 'tryagain', timeout: 41 },
        { bucket: 'clusterdown', timeout: 43 },
      ]);
    });

    it('skips a CLUSTERDOWN retry whose wait is 0 (hence holdfast’s 1 ms floor)', () => {
      const cluster = lazyCluster({ retryDelayOnClusterDown: 0 });
      const called: string[] = [];
      inside(cluster).handleError(new Error('CLUSTERDOWN down'), {}, handlers(called));
      expect(called).to.deep.equal(['defaults']);
    });

    it('retries a closed node connection only while the cluster is ready', () => {
      const cluster = lazyCluster({ retryDelayOnFailover: 5 });
      const called: string[] = [];
      inside(cluster).status = 'reconnecting';
      inside(cluster).handleError(new Error('Connection is closed.'), {}, handlers(called));
      expect(called).to.deep.equal(['defaults']);
    });

    it('follows MOVED and ASK itself, and counts every error against maxRedirections', () => {
      const cluster = lazyCluster({ maxRedirections: 2, retryDelayOnFailover: 5 });
      recordDelays(inside(cluster));
      inside(cluster).status = 'ready';
      const called: string[] = [];
      const ttl = {};
      inside(cluster).handleError(new Error('MOVED 3999 127.0.0.1:7001'), ttl, handlers(called));
      inside(cluster).handleError(new Error('ASK 3999 127.0.0.1:7002'), ttl, handlers(called));
      inside(cluster).handleError(new Error('Connection is closed.'), ttl, handlers(called));
      expect(called[0]).to.equal('moved 3999 127.0.0.1:7001');
      expect(called[1]).to.equal('ask 3999 127.0.0.1:7002');
      expect(called[2]).to.match(/^maxRedirections Error: Too many Cluster redirections/);
    });
  });

  describe('node connections (ClusterNodeStates)', () => {
    it('emits +node with a lazy Redis whose options give its key (host:port) and role', () => {
      const cluster = lazyCluster();
      const added: Redis[] = [];
      cluster.on('+node', (node: Redis) => added.push(node));
      inside(cluster).connectionPool.findOrCreate({ host: '127.0.0.1', port: 7000 }, false);
      inside(cluster).connectionPool.findOrCreate({ host: '127.0.0.1', port: 7003 }, true);
      expect(added.map((n) => [n.options.host, n.options.port, n.options.readOnly])).to.deep.equal([
        ['127.0.0.1', 7000, false],
        ['127.0.0.1', 7003, true],
      ]);
      expect(added.map((n) => n.status)).to.deep.equal(['wait', 'wait']);
      expect(cluster.nodes('slave')).to.deep.equal([added[1]]);
      expect(cluster.nodes('all')).to.have.length(2);
    });

    it('emits a node’s status changes as events, then -node (the same instance) when it ends', async () => {
      const cluster = lazyCluster();
      const node = inside(cluster).connectionPool.findOrCreate({ host: '127.0.0.1', port: 7000 });
      const seen: string[] = [];
      for (const status of ['close', 'end']) node.on(status, () => seen.push(status));
      cluster.on('-node', (removed: Redis) => seen.push(removed === node ? '-node' : '-other'));
      node.disconnect();
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).to.deep.equal(['close', '-node', 'end']);
      expect(cluster.nodes('all')).to.deep.equal([]);
    });

    it('never reconnects a node connection (no retryStrategy): a node is replaced instead', () => {
      const cluster = lazyCluster();
      const node = inside(cluster).connectionPool.findOrCreate({ host: '127.0.0.1', port: 7000 });
      expect(node.options.retryStrategy).to.equal(null);
      expect(
        typeof (node as unknown as { commandQueue: { peekBack: unknown } }).commandQueue.peekBack,
      ).to.equal('function');
    });
  });
});
