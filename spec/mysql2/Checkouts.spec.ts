import { expect } from 'chai';
import sinon from 'sinon';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import type { DatabasePool } from '../../src/mysql2/DatabasePool.js';
import { PoolCheckoutError } from '../../src/mysql2/PoolCheckoutError.js';
import type { PooledConnection } from '../../src/mysql2/PooledConnection.js';
import { settled } from '../helpers/settled.js';
import { seqRandom } from '../helpers/seqRandom.js';
import {
  type FakeServer as FakeServerType,
  FakeConnection,
  FakeServer,
  fakeDatabasePool,
} from './fakeDriver.js';

// Jitter factor 1.0 (random 0.5): retry n waits exactly baseDelayMs * 2^(n-1).
const retry = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };

describe('Checkouts', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServerType;
  let pool: DatabasePool;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    server = new FakeServer();
  });

  afterEach(async () => {
    const closing = pool.close({ timeoutMs: 0 });
    await clock.runAllAsync();
    await closing;
    clock.restore();
  });

  const open = (config: Parameters<typeof fakeDatabasePool>[1] = {}): DatabasePool => {
    pool = fakeDatabasePool(server, { retry, random: seqRandom([0.5]), ...config });
    return pool;
  };

  describe('checkout', () => {
    it('connects on the first checkout: one mysql2 pool, one connection, pinged', async () => {
      open();
      expect(server.pools).to.have.length(0);
      const connection = await pool.getConnection();
      expect(server.pools).to.have.length(1);
      expect(server.statements).to.deep.equal(['PING']);
      connection.release();
      expect(pool.metrics()).to.include({ size: 1, idle: 1, used: 0, created: 1, checkouts: 1 });
    });

    it('reuses a connection used within idleValidationMs without pinging it', async () => {
      open({ idleValidationMs: 1000 });
      (await pool.getConnection()).release();
      await clock.tickAsync(999);
      (await pool.getConnection()).release();
      expect(server.statements).to.deep.equal(['PING']);
      expect(server.connectAttempts).to.equal(1);
    });

    it('pings a connection idle longer than idleValidationMs, and replaces one that does not answer', async () => {
      open({ idleValidationMs: 1000, queryTimeoutMs: 200 });
      (await pool.getConnection()).release();
      await clock.tickAsync(1001);
      const silent = server.connections[0]!;
      server.reply = (sql, connection) => (connection === silent ? 'hang' : { result: [] });
      const checkout = settled(pool.getConnection());
      await clock.tickAsync(200);
      expect(checkout.state).to.equal('resolved');
      expect(silent.alive).to.equal(false);
      expect(pool.metrics()).to.include({ evictions: 1, queryTimeouts: 1, created: 2, used: 1 });
      checkout.value?.release();
    });

    it('pings on every checkout when idleValidationMs is 0', async () => {
      open({ idleValidationMs: 0 });
      (await pool.getConnection()).release();
      (await pool.getConnection()).release();
      expect(server.statements).to.deep.equal(['PING', 'PING', 'PING']);
    });

    it('throws away a connection that died in the free list and hands out another', async () => {
      open();
      (await pool.getConnection()).release();
      server.connections[0]!.kill();
      const connection = await pool.getConnection();
      expect(server.connectAttempts).to.equal(2);
      expect(pool.metrics()).to.include({ destroyed: 1, size: 1 });
      connection.release();
    });
  });

  describe('when the server is full (1040 too many connections)', () => {
    // retry.baseDelayMs 100 x throttledDelayFactor 2: no new connection is asked for 200 ms.
    it('keeps working with the connections it has: the refused caller waits for one of them', async () => {
      open({ pool_size: 4, checkoutTimeoutMs: 5000 });
      const first = await pool.getConnection();
      const second = await pool.getConnection();
      server.mode = 'full';
      const before = server.connectAttempts;
      const waiting = Array.from({ length: 3 }, () => settled(pool.getConnection()));
      await clock.tickAsync(50);
      // The opens already under way when the first refusal came (two at a time), no more.
      expect(server.connectAttempts - before).to.equal(2);
      expect(pool.state.status).to.equal('connected');
      expect(server.pools).to.have.length(1);
      expect(waiting.map((w) => w.state)).to.deep.equal(['pending', 'pending', 'pending']);
      first.release();
      await clock.tickAsync(0);
      // The refused checkouts queued again where they stood: first come, first served.
      expect(waiting.map((w) => w.state)).to.deep.equal(['resolved', 'pending', 'pending']);
      second.release();
      waiting[0]!.value?.release();
      await clock.tickAsync(0);
      expect(waiting.map((w) => w.state)).to.deep.equal(['resolved', 'resolved', 'resolved']);
      for (const w of waiting.slice(1)) w.value?.release();
      expect(server.connectAttempts - before).to.equal(2);
      expect(pool.metrics()).to.include({ size: 2, reconnects: 0, checkoutFailures: 0 });
    });

    it('asks for a new connection again once the throttled delay has passed', async () => {
      open({ pool_size: 4, checkoutTimeoutMs: 5000 });
      const held = [await pool.getConnection()];
      server.mode = 'full';
      const before = server.connectAttempts;
      const refused = settled(pool.getConnection());
      await clock.tickAsync(199);
      const stillCapped = settled(pool.getConnection());
      await clock.tickAsync(0);
      expect(server.connectAttempts - before).to.equal(1);
      server.mode = 'up';
      await clock.tickAsync(1);
      const grown = settled(pool.getConnection());
      await clock.tickAsync(0);
      // The cap ended: the queue moved on with new connections, not only released ones.
      expect(server.connectAttempts - before).to.be.at.least(2);
      expect([refused.state, stillCapped.state, grown.state]).to.deep.equal([
        'resolved',
        'resolved',
        'resolved',
      ]);
      for (const connection of [...held, refused.value, stillCapped.value, grown.value]) {
        connection?.release();
      }
      expect(pool.metrics().size).to.equal(4);
      expect(pool.state.status).to.equal('connected');
    });

    it('still treats a pool with no connection left as lost: the manager backs off', async () => {
      open({ pool_size: 2, checkoutTimeoutMs: 5000 });
      (await pool.getConnection()).release();
      server.killAll();
      server.mode = 'full';
      const checkout = settled(pool.getConnection());
      await clock.tickAsync(0);
      expect(pool.state.status).to.equal('retrying');
      server.mode = 'up';
      await clock.tickAsync(1000);
      expect(checkout.state).to.equal('resolved');
      checkout.value?.release();
    });
  });

  describe('while the server is down', () => {
    it('makes 50 callers share one reconnect loop: maxRetries + 1 attempts reach the server', async () => {
      server.mode = 'refuse';
      open({ checkoutTimeoutMs: 60_000 });
      const callers = Array.from({ length: 50 }, () => settled(pool.getConnection()));
      await clock.tickAsync(100 + 200 + 400);
      expect(server.connectAttempts).to.equal(retry.maxRetries + 1);
      for (const caller of callers) {
        expect(caller.state).to.equal('rejected');
        expect(caller.error).to.be.instanceOf(PoolCheckoutError);
        expect(caller.error).to.include({ reason: 'server-unreachable' });
        expect((caller.error as Error).cause).to.include({ code: 'ECONNREFUSED' });
      }
    });

    it('sends one attempt to a restarted server from a connected pool, then waits on the loop and recovers', async () => {
      open({ checkoutTimeoutMs: 60_000, pool_size: 4 });
      await Promise.all(
        [1, 2, 3, 4].map(async () => {
          (await pool.getConnection()).release();
        }),
      );
      expect(pool.metrics().size).to.be.at.least(1);
      const before = server.connectAttempts;
      server.killAll();
      server.mode = 'refuse';
      const callers = Array.from({ length: 20 }, () => settled(pool.query('SELECT 1')));
      await clock.tickAsync(0);
      // The discovering caller's attempt, then the manager's immediate first reconnect attempt.
      expect(server.connectAttempts - before).to.equal(2);
      expect(pool.state.status).to.equal('retrying');
      await clock.tickAsync(100);
      expect(server.connectAttempts - before).to.equal(3);
      server.mode = 'up';
      await clock.tickAsync(200);
      for (const caller of callers) expect(caller.state).to.equal('resolved');
      expect(pool.state.status).to.equal('connected');
      expect(pool.metrics()).to.include({ reconnects: 1, checkoutRetries: 1 });
    });

    it('gives up after checkoutTimeoutMs saying the server is unreachable, with the last connect error', async () => {
      server.mode = 'refuse';
      open({ checkoutTimeoutMs: 500, retry: { maxRetries: 10, baseDelayMs: 1000 } });
      const checkout = settled(pool.getConnection());
      await clock.tickAsync(500);
      expect(checkout.error).to.be.instanceOf(PoolCheckoutError);
      expect(checkout.error).to.include({ reason: 'server-unreachable', waitedMs: 500 });
      expect((checkout.error as Error).cause).to.include({ code: 'ECONNREFUSED' });
      expect(pool.metrics()).to.include({ checkoutFailures: 1, pending: 0 });
    });

    it('bounds a connect that hangs by checkoutTimeoutMs and lets the manager probe', async () => {
      open({ checkoutTimeoutMs: 300, pool_size: 2 });
      const first = await pool.getConnection();
      server.mode = 'hang';
      const second = settled(pool.getConnection());
      await clock.tickAsync(300);
      expect(second.error).to.include({ reason: 'server-unreachable' });
      expect(pool.state.status).to.equal('connecting');
      first.release();
    });
  });

  describe('authentication', () => {
    it('fails at once with the driver error (1045), after one attempt', async () => {
      server.mode = 'deny';
      open();
      const checkout = settled(pool.getConnection());
      await clock.tickAsync(0);
      expect(checkout.error).to.include({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' });
      expect(isHoldfastError(checkout.error)).to.equal(false);
      expect(server.connectAttempts).to.equal(1);
      expect(pool.state.status).to.equal('failed');
    });
  });

  describe('a full pool', () => {
    it('gives up after checkoutTimeoutMs saying how many are checked out and for how long', async () => {
      open({ pool_size: 1, checkoutTimeoutMs: 300 });
      const held = await pool.getConnection();
      await clock.tickAsync(1000);
      const checkout = settled(pool.getConnection());
      await clock.tickAsync(300);
      expect(checkout.error).to.include({
        reason: 'pool-exhausted',
        checkedOut: 1,
        poolSize: 1,
        oldestHeldMs: 1300,
        waitedMs: 300,
      });
      held.release();
    });

    it('refuses at once beyond queueLimit waiting checkouts', async () => {
      open({ pool_size: 1, queueLimit: 2 });
      const held = await pool.getConnection();
      const queued = [settled(pool.getConnection()), settled(pool.getConnection())];
      const refused = settled(pool.getConnection());
      await clock.tickAsync(0);
      expect(refused.error).to.include({ reason: 'queue-limit', queued: 2, queueLimit: 2 });
      held.release();
      await clock.tickAsync(0);
      expect(queued.map((q) => q.state)).to.deep.equal(['resolved', 'pending']);
      queued[0]?.value?.release();
      await clock.tickAsync(0);
      queued[1]?.value?.release();
    });

    it('refuses at once when waitForConnections is false', async () => {
      open({ pool_size: 1, waitForConnections: false });
      const held = await pool.getConnection();
      const refused = settled(pool.getConnection());
      await clock.tickAsync(0);
      expect(refused.error).to.include({ reason: 'pool-exhausted' });
      held.release();
    });
  });

  describe('queued checkouts', () => {
    /** The id of the fake connection a checked-out connection runs its statements on. */
    const connectionOf = async (connection: PooledConnection | undefined): Promise<number> => {
      let id = -1;
      const previous = server.reply;
      server.reply = (sql, on) => {
        id = on.id;
        return previous(sql, on);
      };
      await connection?.query('SELECT 1');
      server.reply = previous;
      return id;
    };

    it('hands a released connection straight to the first waiter, in FIFO order, bypassing the driver free list', async () => {
      open({ pool_size: 1 });
      const held = await pool.getConnection();
      const heldId = await connectionOf(held);
      const waiters = [1, 2, 3].map(() => settled(pool.getConnection()));
      const driverRelease = sinon.spy(FakeConnection.prototype, 'release');
      try {
        held.release();
        await clock.tickAsync(0);
        expect(waiters.map((w) => w.state)).to.deep.equal(['resolved', 'pending', 'pending']);
        expect(await connectionOf(waiters[0]?.value)).to.equal(heldId);
        waiters[0]?.value?.release();
        await clock.tickAsync(0);
        expect(waiters.map((w) => w.state)).to.deep.equal(['resolved', 'resolved', 'pending']);
        waiters[1]?.value?.release();
        await clock.tickAsync(0);
        expect(await connectionOf(waiters[2]?.value)).to.equal(heldId);
        expect(driverRelease.called).to.equal(false);
        waiters[2]?.value?.release();
        expect(driverRelease.callCount).to.equal(1);
      } finally {
        driverRelease.restore();
      }
      expect(server.statements.filter((sql) => sql === 'PING')).to.have.length(1);
      expect(pool.metrics()).to.include({ checkouts: 4, created: 1, used: 0, idle: 1 });
    });

    it('expires queued checkouts each at its own deadline, on one timer for all', async () => {
      open({ pool_size: 1, checkoutTimeoutMs: 300 });
      const held = await pool.getConnection();
      const timers = clock.countTimers();
      const first = settled(pool.getConnection());
      await clock.tickAsync(100);
      const second = settled(pool.getConnection());
      await clock.tickAsync(100);
      const third = settled(pool.getConnection());
      expect(clock.countTimers() - timers).to.equal(1);
      await clock.tickAsync(100);
      expect(first.error).to.include({ reason: 'pool-exhausted', waitedMs: 300 });
      await clock.tickAsync(99);
      expect(second.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(second.error).to.include({ reason: 'pool-exhausted', waitedMs: 300 });
      expect(third.state).to.equal('pending');
      await clock.tickAsync(100);
      expect(third.error).to.include({ reason: 'pool-exhausted', waitedMs: 300 });
      expect(pool.metrics()).to.include({ checkoutFailures: 3, pending: 0 });
      expect(clock.countTimers()).to.equal(timers);
      held.release();
    });

    it('skips a waiter whose AbortSignal fired', async () => {
      open({ pool_size: 1 });
      const held = await pool.getConnection();
      const controller = new AbortController();
      const aborted = settled(pool.getConnection({ signal: controller.signal }));
      const next = settled(pool.getConnection());
      controller.abort();
      held.release();
      await clock.tickAsync(0);
      expect(isHoldfastError(aborted.error) && aborted.error.code).to.equal('ERR_HOLDFAST_ABORTED');
      expect(next.state).to.equal('resolved');
      next.value?.release();
    });

    it('still pings a connection handed to a waiter when idleValidationMs is 0', async () => {
      open({ pool_size: 1, idleValidationMs: 0 });
      const held = await pool.getConnection();
      const waiting = settled(pool.getConnection());
      held.release();
      await clock.tickAsync(0);
      expect(waiting.state).to.equal('resolved');
      // The first checkout: the connect's PING and the checkout's; the waiter's own.
      expect(server.statements).to.deep.equal(['PING', 'PING', 'PING']);
      waiting.value?.release();
    });

    it('fails a waiter handed a connection with ClosedError when close() came first, and keeps the connection', async () => {
      open({ pool_size: 1 });
      const held = await pool.getConnection();
      const waiting = settled(pool.getConnection());
      held.release();
      const closing = pool.close({ timeoutMs: 0 });
      await clock.tickAsync(0);
      expect(isHoldfastError(waiting.error) && waiting.error.code).to.equal('ERR_HOLDFAST_CLOSED');
      expect(pool.metrics()).to.include({ used: 0, checkoutFailures: 1 });
      await clock.runAllAsync();
      await closing;
    });

    it('never hands on a connection of a pool retired meanwhile: it is destroyed, the waiter gets a new one', async () => {
      open({ pool_size: 2, checkoutTimeoutMs: 60_000 });
      const a = await pool.getConnection();
      const b = await pool.getConnection();
      const [connectionA, connectionB] = server.connections;
      const first = settled(pool.getConnection());
      const second = settled(pool.getConnection());
      // b dies; first takes its permit, its connect is refused: the mysql2 pool is retired.
      server.mode = 'refuse';
      connectionB?.kill();
      b.release();
      await clock.tickAsync(0);
      expect(pool.state.status).to.equal('retrying');
      server.mode = 'up';
      await clock.tickAsync(100);
      expect(pool.state.status).to.equal('connected');
      expect([first.state, second.state]).to.deep.equal(['resolved', 'pending']);
      a.release();
      await clock.tickAsync(0);
      expect(connectionA?.alive).to.equal(false);
      expect(second.state).to.equal('resolved');
      // The manager's first attempt (refused) opened a pool too; the last one is current.
      const current = server.pools.at(-1);
      expect(server.pools).to.have.length(3);
      expect(current?.connections).to.have.length(2);
      expect(current?.connections.map((c) => c.id)).to.include(await connectionOf(second.value));
      first.value?.release();
      second.value?.release();
    });
  });
});
