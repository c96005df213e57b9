import { inspect } from 'node:util';
import { expect } from 'chai';
import sinon from 'sinon';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import type { DatabasePool, DatabasePoolState } from '../../src/mysql2/DatabasePool.js';
import { testPasswords } from '../helpers/secretScan.js';
import { captureTelemetry, histogramTotals, metricSum } from '../helpers/telemetry.js';
import { settled } from '../helpers/settled.js';
import { FakeServer, fakeDatabasePool } from './fakeDriver.js';

describe('DatabasePool', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  let pool: DatabasePool;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    server = new FakeServer();
    pool = fakeDatabasePool(server, {
      host: 'db',
      database: 'shop',
      password: testPasswords.mysql,
      retry: { maxRetries: 1, baseDelayMs: 100 },
    });
  });

  afterEach(async () => {
    const closing = pool.close({ timeoutMs: 0 });
    await clock.runAllAsync();
    await closing;
    clock.restore();
  });

  describe('state$', () => {
    it('publishes the life of the pool, describing the server but never the driver pool or password', async () => {
      const states: DatabasePoolState[] = [];
      pool.state$.subscribe((state) => states.push(state));
      await pool.ready();
      const closing = pool.close();
      await clock.runAllAsync();
      await closing;
      expect(states.map((s) => s.status)).to.deep.equal([
        'idle',
        'connecting',
        'connected',
        'closed',
      ]);
      const connected = states[2];
      expect(connected?.status === 'connected' && connected.connection).to.deep.equal({
        name: 'fake',
        system: 'mysql',
        address: 'db',
        port: 3306,
        namespace: 'shop',
      });
      for (const state of states) {
        expect(inspect(state, { depth: 20 })).to.not.include(testPasswords.mysql);
      }
      expect(inspect(pool, { depth: 20 })).to.not.include(testPasswords.mysql);
    });

    it('opens nothing until asked', () => {
      expect(pool.state.status).to.equal('idle');
      expect(server.pools).to.have.length(0);
    });
  });

  describe('metrics', () => {
    it('counts checkouts and reports the db.client.connection.* metrics of the pool', async () => {
      const telemetry = captureTelemetry();
      const observed = fakeDatabasePool(server, {
        pool_name: 'observed_pool',
        pool_size: 4,
        meter: telemetry.meter,
      });
      const held = await observed.getConnection();
      (await observed.getConnection()).release();
      expect(observed.metrics()).to.include({
        size: 2,
        idle: 1,
        used: 1,
        max: 4,
        created: 2,
        checkouts: 2,
        pending: 0,
      });
      const pool = { 'db.client.connection.pool.name': 'observed_pool' };
      const metrics = await telemetry.collect();
      expect(
        metricSum(metrics, 'db.client.connection.count', {
          ...pool,
          'db.client.connection.state': 'used',
        }),
      ).to.equal(1);
      expect(
        metricSum(metrics, 'db.client.connection.count', {
          ...pool,
          'db.client.connection.state': 'idle',
        }),
      ).to.equal(1);
      expect(metricSum(metrics, 'db.client.connection.max', pool)).to.equal(4);
      expect(histogramTotals(metrics, 'db.client.connection.wait_time', pool).count).to.equal(2);
      expect(histogramTotals(metrics, 'db.client.connection.create_time', pool).count).to.equal(2);
      held.release();
      const closing = observed.close();
      await clock.runAllAsync();
      await closing;
      await telemetry.shutdown();
    });
  });

  describe('policy', () => {
    it('is the resolved retry policy', () => {
      expect(pool.policy).to.include({ maxRetries: 1, baseDelayMs: 100, maxDelayMs: 30_000 });
    });
  });

  describe('close', () => {
    it('fails waiting checkouts with ClosedError at once', async () => {
      const small = fakeDatabasePool(server, { pool_size: 1 });
      const held = await small.getConnection();
      const waiting = settled(small.getConnection());
      const closing = small.close({ timeoutMs: 1000 });
      await clock.tickAsync(0);
      expect(isHoldfastError(waiting.error) && waiting.error.code).to.equal('ERR_HOLDFAST_CLOSED');
      held.release();
      await clock.tickAsync(0);
      await closing;
    });

    it('waits timeoutMs for a checked-out connection, then destroys it and ends the pool', async () => {
      const held = await pool.getConnection();
      const closing = settled(pool.close({ timeoutMs: 500 }));
      await clock.tickAsync(499);
      expect(closing.state).to.equal('pending');
      await clock.tickAsync(1);
      await clock.runAllAsync();
      expect(closing.state).to.equal('resolved');
      expect(held.usable).to.equal(false);
      expect(server.pools.every((p) => p.ended)).to.equal(true);
      expect(pool.metrics()).to.include({ size: 0, used: 0 });
      held.release();
      expect(pool.metrics().used).to.equal(0);
    });

    it('refuses statements after close with ClosedError, and returns the same promise twice', async () => {
      const first = pool.close();
      expect(pool.close()).to.equal(first);
      await clock.runAllAsync();
      const call = settled(pool.query('SELECT 1'));
      await clock.tickAsync(0);
      expect(isHoldfastError(call.error) && call.error.code).to.equal('ERR_HOLDFAST_CLOSED');
    });

    it('aborts a connection handshake in flight at once instead of waiting for connectTimeout', async () => {
      server.mode = 'hang';
      const ready = settled(pool.ready());
      await clock.tickAsync(0);
      expect(server.pools[0]?.hanging).to.have.length(1);
      const closing = settled(pool.close());
      await clock.tickAsync(1);
      expect(closing.state).to.equal('resolved');
      expect(ready.state).to.equal('rejected');
      expect(server.pools.map((p) => p.abortedConnects)).to.deep.equal([1]);
      expect(server.pools.every((p) => p.ended && p.hanging.length === 0)).to.equal(true);
    });

    it('aborts the connects of a growing pool at once', async () => {
      await pool.ready();
      const held = await pool.getConnection();
      server.mode = 'hang';
      const waiting = settled(pool.getConnection());
      await clock.tickAsync(0);
      expect(server.pools[0]?.hanging).to.have.length(1);
      const closing = settled(pool.close({ timeoutMs: 0 }));
      await clock.tickAsync(1);
      expect(closing.state).to.equal('resolved');
      expect(waiting.state).to.equal('rejected');
      expect(held.usable).to.equal(false);
      expect(server.pools[0]?.abortedConnects).to.equal(1);
    });

    it('leaves no timer behind', async () => {
      await pool.query('SELECT 1');
      const closing = pool.close();
      await clock.runAllAsync();
      await closing;
      expect(clock.countTimers()).to.equal(0);
    });

    it('resolves with no timer left without waiting for the statement watchdog to tick', async () => {
      await pool.query('SELECT 1');
      const closing = settled(pool.close());
      await clock.tickAsync(100);
      expect(closing.state).to.equal('resolved');
      expect(clock.countTimers()).to.equal(0);
    });
  });
});
