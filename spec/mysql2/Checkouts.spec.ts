import { expect } from 'chai';
import sinon from 'sinon';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import type { DatabasePool } from '../../src/mysql2/DatabasePool.js';
import { PoolCheckoutError } from '../../src/mysql2/PoolCheckoutError.js';
import { settled } from '../helpers/settled.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { type FakeServer as FakeServerType, FakeServer, fakeDatabasePool } from './fakeDriver.js';

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
});
