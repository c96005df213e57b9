import { expect } from 'chai';
import type sinon from 'sinon';
import type { PoolConnection } from 'mysql2/promise';
import { PoolCheckoutError } from '../../src/mysql2/PoolCheckoutError.js';
import { createPool } from '../../src/mysql2/promise.js';
import type { HoldfastPromisePool } from '../../src/mysql2/HoldfastPool.js';
import type { DatabasePoolConfig } from '../../src/mysql2/DatabasePoolConfig.js';
import { FakeMysqlServer, fakeTime } from '../helpers/fakeMysqlServer.js';
import { settled } from '../helpers/settled.js';

describe('gateCheckout (the pool getConnection, fake server and fake time)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeMysqlServer;
  let pool: HoldfastPromisePool | undefined;
  beforeEach(() => {
    clock = fakeTime();
    server = new FakeMysqlServer();
  });
  afterEach(async () => {
    const closing = pool?.close({ timeoutMs: 0 });
    await clock.tickAsync(2000);
    await closing;
    pool = undefined;
    clock.restore();
  });

  const open = (config: Partial<DatabasePoolConfig> = {}): HoldfastPromisePool => {
    pool = createPool({
      user: 'app',
      stream: server.stream,
      connectionLimit: 4,
      retry: { maxRetries: 20, baseDelayMs: 100, maxDelayMs: 100, jitter: 'none' },
      checkoutTimeoutMs: 5000,
      ...config,
    });
    return pool;
  };

  describe('while the server is down', () => {
    it('holds every checkout at the gate: only the one reconnect loop connects, and all are served after', async () => {
      server.connect = 'drop';
      const p = open();
      const checkouts = Array.from({ length: 20 }, () => settled(p.getConnection()));
      await clock.tickAsync(250);
      // Attempts at 0, 100 and 200 ms: the loop's, none of the 20 checkouts' own.
      expect(server.connections).to.have.length(3);
      expect(p.state.status).to.equal('retrying');
      server.connect = 'accept';
      await clock.tickAsync(100);
      const served = (): PoolConnection[] =>
        checkouts.flatMap((c) => (c.state === 'resolved' && c.value ? [c.value] : []));
      expect(served()).to.have.length(4);
      // Served in turn as connections come back; none is opened beyond the limit.
      for (let round = 0; round < 5; round += 1) {
        for (const connection of served()) connection.release();
        await clock.tickAsync(1);
      }
      expect(checkouts.every((c) => c.state === 'resolved')).to.equal(true);
      expect(server.connections.length).to.be.at.most(3 + 4);
      expect(p.metrics()).to.include({ size: 4, max: 4 });
    });

    it('gives up after checkoutTimeoutMs with server-unreachable, the last connect error as cause', async () => {
      server.connect = 'drop';
      const checkout = settled(open({ checkoutTimeoutMs: 1000 }).getConnection());
      await clock.tickAsync(999);
      expect(checkout.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(checkout.state).to.equal('rejected');
      const error = checkout.error as PoolCheckoutError;
      expect(error).to.be.instanceOf(PoolCheckoutError);
      expect(error.reason).to.equal('server-unreachable');
      expect(error.cause).to.have.property('code', 'PROTOCOL_CONNECTION_LOST');
    });
  });

  describe('a wrong password', () => {
    it('fails every waiting checkout at once after one attempt, with the driver error and the options to check', async () => {
      server.connect = 'deny';
      const p = open();
      const checkouts = Array.from({ length: 10 }, () => settled(p.getConnection()));
      await clock.tickAsync(0);
      for (const checkout of checkouts) {
        expect(checkout.state).to.equal('rejected');
        expect(checkout.error).to.include({ errno: 1045 });
        expect((checkout.error as Error).message).to.include('`password`');
      }
      await clock.tickAsync(10_000);
      expect(server.connections).to.have.length(1);
      expect(p.state.status).to.equal('failed');
    });
  });

  describe('every connection checked out', () => {
    it("waits in mysql2's queue, then gives up after checkoutTimeoutMs with pool-exhausted", async () => {
      const p = open({ connectionLimit: 1, checkoutTimeoutMs: 1000 });
      const held = await p.getConnection();
      const waiting = settled(p.getConnection());
      await clock.tickAsync(1000);
      const error = waiting.error as PoolCheckoutError;
      expect(error.reason).to.equal('pool-exhausted');
      expect(error).to.include({ checkedOut: 1, poolSize: 1 });
      held.release();
      await clock.tickAsync(0);
      expect(p.metrics()).to.include({ used: 0, idle: 1, pending: 0 });
    });
  });

  describe('an idle connection', () => {
    it('is pinged past idleValidationMs; one that does not answer is destroyed, and a new one handed out', async () => {
      const p = open({ idleValidationMs: 1000, checkoutTimeoutMs: 500 });
      const first = await p.getConnection();
      const firstId = first.threadId;
      first.release();
      await clock.tickAsync(2000);
      server.ping = 'hang';
      const checkout = settled(p.getConnection());
      await clock.tickAsync(500);
      expect(checkout.state).to.equal('resolved');
      expect(checkout.value?.threadId).to.not.equal(firstId);
      expect(p.metrics()).to.include({ evictions: 1, size: 1 });
      checkout.value?.release();
    });

    it('is handed out without a ping while it has been idle less than idleValidationMs', async () => {
      const p = open({ idleValidationMs: 1000 });
      const first = await p.getConnection();
      first.release();
      server.ping = 'hang';
      await clock.tickAsync(999);
      const again = settled(p.getConnection());
      await clock.tickAsync(0);
      expect(again.value?.threadId).to.equal(first.threadId);
      again.value?.release();
    });
  });
});
