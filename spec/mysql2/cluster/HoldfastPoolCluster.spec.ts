import { expect } from 'chai';
import sinon from 'sinon';
import { isUnsent, markUnsent } from '../../../src/classify/unsent.js';
import { OutcomeUnknownError } from '../../../src/errors/OutcomeUnknownError.js';
import { HoldfastPoolCluster } from '../../../src/mysql2/cluster/HoldfastPoolCluster.js';
import {
  type PoolClusterOptions,
  parsePoolClusterOptions,
} from '../../../src/mysql2/cluster/PoolClusterOptions.js';
import type { PoolClusterState } from '../../../src/mysql2/cluster/PoolClusterState.js';
import { FakeNodePool } from '../../helpers/fakeNodePool.js';
import { settled } from '../../helpers/settled.js';

const insert = 'INSERT INTO t (id) VALUES (1)';

function makeCluster(
  readOnly: Record<string, 0 | 1>,
  options: PoolClusterOptions = {},
): { cluster: HoldfastPoolCluster; node: (id: string) => FakeNodePool } {
  const fakes = new Map<string, FakeNodePool>();
  const cluster = new HoldfastPoolCluster(
    parsePoolClusterOptions({ name: 'shop', ...options }),
    (id) => {
      const fake = new FakeNodePool(id, readOnly[id] ?? 1);
      fakes.set(id, fake);
      return fake.asPool();
    },
  );
  for (const id of Object.keys(readOnly)) cluster.add(id, { host: `${id}.db` });
  return { cluster, node: (id) => fakes.get(id) as FakeNodePool };
}

function refusedAsReadOnly(): Error {
  return Object.assign(new Error('The MariaDB server is running with the --read-only option'), {
    code: 'ER_OPTION_PREVENTS_STATEMENT',
    errno: 1290,
  });
}

describe('HoldfastPoolCluster', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  describe('a new cluster', () => {
    it('opens nothing until it is used', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await clock.tickAsync(60_000);
      expect(node('PRIMARY').readyCalls + node('REPLICA').readyCalls).to.equal(0);
      expect(cluster.state.status).to.equal('idle');
      await cluster.close();
    });

    it('names each node pool <cluster>/<id> unless its config names it', () => {
      const configs: unknown[] = [];
      const cluster = new HoldfastPoolCluster(
        parsePoolClusterOptions({ name: 'shop' }),
        (id, c) => {
          configs.push(c);
          return new FakeNodePool(id, 0).asPool();
        },
      );
      cluster.add('PRIMARY', { host: 'a' });
      cluster.add('REPLICA', { host: 'b', pool_name: 'reports' });
      cluster.add('OLAP', 'mysql://app@c/shop');
      cluster.add({ host: 'd' });
      expect(configs).to.deep.equal([
        { host: 'a', name: 'shop/PRIMARY' },
        { host: 'b', pool_name: 'reports' },
        { uri: 'mysql://app@c/shop', name: 'shop/OLAP' },
        { host: 'd', name: 'shop/CLUSTER::1' },
      ]);
    });

    it('connects every node on first use and resolves ready() once a node accepts writes', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      const seen: PoolClusterState[] = [];
      cluster.state$.subscribe((s) => seen.push(s));
      await cluster.ready();
      expect(node('PRIMARY').readyCalls).to.equal(1);
      expect(node('REPLICA').readyCalls).to.equal(1);
      expect(cluster.state).to.deep.equal({
        status: 'connected',
        primary: 'PRIMARY',
        nodes: {
          PRIMARY: { status: 'connected', role: 'primary' },
          REPLICA: { status: 'connected', role: 'replica' },
        },
      });
      expect(seen[0]?.status).to.equal('idle');
      await cluster.close();
      expect(cluster.state.status).to.equal('closed');
    });
  });

  describe('routing', () => {
    it('sends writes to the node whose server accepts them and reads to a replica', async () => {
      const { cluster, node } = makeCluster({ REPLICA1: 1, PRIMARY: 0 });
      const promise = cluster.promise();
      await promise.writer().query(insert);
      await promise.reader().query('SELECT 1');
      expect(node('PRIMARY').statements).to.deep.equal([insert]);
      expect(node('REPLICA1').statements).to.deep.equal(['SELECT 1']);
      await promise.end();
    });

    it('sends reads to the primary while no replica is connected', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await cluster.ready();
      node('REPLICA').lose();
      await cluster.promise().reader().query('SELECT 1');
      expect(node('PRIMARY').statements).to.deep.equal(['SELECT 1']);
      await cluster.close();
    });

    it("routes of(pattern, selector) among the connected nodes whose id matches, as mysql2's does", async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA1: 1, REPLICA2: 1, REPLICA3: 1 });
      await cluster.ready();
      node('REPLICA2').lose();
      const roundRobin = cluster.promise().of('REPLICA*', 'rr');
      const order = cluster.promise().of('REPLICA*', 'ORDER');
      for (let i = 0; i < 4; i += 1) await roundRobin.query(`SELECT ${String(i)}`);
      await order.query('SELECT 9');
      expect(node('REPLICA1').statements).to.deep.equal(['SELECT 0', 'SELECT 2', 'SELECT 9']);
      expect(node('REPLICA3').statements).to.deep.equal(['SELECT 1', 'SELECT 3']);
      expect(node('REPLICA2').statements).to.deep.equal([]);
      await cluster.close();
    });

    it("hands out a connection of the picked node's pool (callback form)", async () => {
      const { cluster } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      const connection = await new Promise((resolve, reject) => {
        cluster.getConnection('REPLICA', 'ORDER', (error, c) => {
          if (error) reject(error);
          else resolve(c);
        });
      });
      expect(connection).to.deep.equal({ node: 'REPLICA' });
      await cluster.close();
    });
  });

  describe('callback form', () => {
    it("runs query and execute on the picked node's pool and calls back with its rows", async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      const call = (method: 'query' | 'execute', sql: string): Promise<unknown> =>
        new Promise((resolve, reject) => {
          cluster.writer()[method](sql, [], (error: Error | null, rows?: unknown) => {
            if (error) reject(error);
            else resolve(rows);
          });
        });
      expect(await call('query', insert)).to.deep.equal([{ node: 'PRIMARY' }]);
      expect(await call('execute', insert)).to.deep.equal([{ node: 'PRIMARY' }]);
      expect(node('PRIMARY').statements).to.deep.equal([insert, insert]);
      await cluster.close();
    });

    it('refuses a statement without a callback (it may have to wait for a node)', async () => {
      const { cluster } = makeCluster({ PRIMARY: 0 });
      expect(() => {
        cluster.reader().query('SELECT 1');
      }).to.throw(TypeError, /callback/);
      await cluster.close();
    });
  });

  describe('failover', () => {
    it('sends a waiting write to a promoted replica at the next role check', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await cluster.ready();
      node('PRIMARY').lose();
      expect(cluster.state.status).to.equal('read-only');
      const write = settled(cluster.promise().writer().query(insert));
      await clock.tickAsync(700);
      node('REPLICA').readOnly = 0; // the orchestrator promotes it at 700 ms
      await clock.tickAsync(299);
      expect(write.state).to.equal('pending');
      await clock.tickAsync(1); // role checks every 500 ms: the one at 1000 ms sees it
      expect(write.state).to.equal('resolved');
      expect(node('REPLICA').statements).to.deep.equal([insert]);
      expect(node('PRIMARY').statements).to.deep.equal([]);
      expect(cluster.state).to.include({ status: 'connected', primary: 'REPLICA' });
      await cluster.close();
    });

    it('fails a write with an unsent ClusterCheckoutError when no node accepts writes in time', async () => {
      const { cluster, node } = makeCluster(
        { PRIMARY: 0, REPLICA: 1 },
        { checkoutTimeoutMs: 3000 },
      );
      await cluster.ready();
      node('PRIMARY').lose();
      const write = settled(cluster.promise().writer().query(insert));
      await clock.tickAsync(2999);
      expect(write.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(write.state).to.equal('rejected');
      expect(write.error).to.include({ code: 'ERR_HOLDFAST_CLUSTER_CHECKOUT', wanted: 'primary' });
      expect(isUnsent(write.error)).to.equal(true);
      expect((write.error as Error).message).to.match(/REPLICA connected replica/);
      expect(node('REPLICA').statements).to.deep.equal([]);
      await cluster.close();
    });

    it('asks the roles only while a write waits for a primary', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await cluster.ready();
      node('PRIMARY').lose();
      await clock.tickAsync(5000);
      expect(node('REPLICA').roleQueries, 'once, when it connected').to.equal(1);
      const write = settled(cluster.promise().writer().query(insert));
      await clock.tickAsync(1000);
      expect(node('REPLICA').roleQueries).to.equal(4); // at 0, 500 and 1000 ms of the wait
      await cluster.close();
      expect(write.state).to.equal('rejected');
    });

    it('reports an INSERT in flight when the primary died and never sends it again', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await cluster.ready();
      const primary = node('PRIMARY');
      primary.answer = () => {
        primary.lose();
        node('REPLICA').readOnly = 0;
        return Promise.reject(
          new OutcomeUnknownError('lost', { cause: null, operation: 'INSERT' }),
        );
      };
      const write = settled(cluster.promise().writer().query(insert));
      await clock.tickAsync(5000);
      expect(write.error).to.include({ code: 'ERR_HOLDFAST_OUTCOME_UNKNOWN' });
      expect(node('REPLICA').statements).to.deep.equal([]);
      await cluster.close();
    });

    it('sends a write the old primary gave up on before sending it to the promoted node', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await cluster.ready();
      const primary = node('PRIMARY');
      primary.answer = () => {
        primary.lose();
        node('REPLICA').readOnly = 0;
        return Promise.reject(markUnsent(new Error('checkout gave up: server unreachable')));
      };
      const write = settled(cluster.promise().writer().query(insert));
      await clock.tickAsync(0);
      expect(write.state).to.equal('resolved');
      expect(node('REPLICA').statements).to.deep.equal([insert]);
      await cluster.close();
    });

    it('sends a write refused as read-only (a planned switchover) to the node that now accepts writes', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      await cluster.ready();
      const primary = node('PRIMARY');
      primary.readOnly = 1;
      node('REPLICA').readOnly = 0;
      primary.answer = () => Promise.reject(refusedAsReadOnly());
      const write = settled(cluster.promise().writer().query(insert));
      await clock.tickAsync(500);
      expect(write.state).to.equal('resolved');
      expect(node('REPLICA').statements).to.deep.equal([insert]);
      expect(cluster.state.primary).to.equal('REPLICA');
      await cluster.close();
    });

    it('keeps writing to the current primary when a second server accepts writes, and warns', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0, REPLICA: 1 });
      const warnings: Error[] = [];
      cluster.on('warn', (error: Error) => warnings.push(error));
      await cluster.ready();
      node('PRIMARY').lose();
      node('REPLICA').readOnly = 0;
      await cluster.promise().writer().query(insert);
      // The old primary comes back without read_only: writes stay on the promoted server.
      node('PRIMARY').connect();
      await clock.tickAsync(0);
      await cluster.promise().writer().query(insert);
      expect(node('REPLICA').statements).to.deep.equal([insert, insert]);
      expect(node('PRIMARY').statements).to.deep.equal([]);
      expect(warnings.map((w) => w.message).join()).to.match(
        /PRIMARY and REPLICA .*Set read_only on PRIMARY/,
      );
      await cluster.close();
    });

    it('starts a node whose loop gave up again after restoreNodeTimeout', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0 }, { restoreNodeTimeout: 2000 });
      await cluster.ready();
      const primary = node('PRIMARY');
      primary.autoConnect = false;
      primary.state$.next({ status: 'connecting', attempt: 1 });
      primary.state$.next({ status: 'failed', error: new Error('gave up') });
      await clock.tickAsync(1999);
      expect(primary.readyCalls).to.equal(1);
      await clock.tickAsync(1);
      expect(primary.readyCalls).to.equal(2);
      expect(cluster.state.status).to.equal('failed');
      await cluster.close();
    });
  });

  describe('close', () => {
    it('fails waiting calls with ClosedError, ends every node and completes state$', async () => {
      const { cluster, node } = makeCluster({ PRIMARY: 0 });
      node('PRIMARY').autoConnect = false;
      const write = settled(cluster.promise().writer().query(insert));
      let completed = false;
      cluster.state$.subscribe({
        complete: () => {
          completed = true;
        },
      });
      await cluster.close();
      await clock.tickAsync(0);
      expect(write.error).to.include({ code: 'ERR_HOLDFAST_CLOSED' });
      expect(node('PRIMARY').state.status).to.equal('closed');
      expect(completed).to.equal(true);
      expect(() => {
        cluster.add('LATE', { host: 'x' });
      })
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CLOSED');
    });
  });
});
