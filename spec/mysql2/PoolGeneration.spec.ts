import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import type { DriverConnection } from '../../src/mysql2/driver.js';
import { PoolGeneration, retiredGeneration } from '../../src/mysql2/PoolGeneration.js';
import { settled } from '../helpers/settled.js';
import { FakeServer } from './fakeDriver.js';

describe('PoolGeneration', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  let counters: { created: number; destroyed: number };

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    server = new FakeServer();
    counters = { created: 0, destroyed: 0 };
  });

  afterEach(() => {
    clock.restore();
  });

  const generation = (): PoolGeneration =>
    new PoolGeneration(server.driver, {}, systemClock, counters, {
      connectionOpened: () => undefined,
    });

  describe('acquire', () => {
    it('opens connections one at a time while none is open, then in parallel', async () => {
      server.mode = 'hang';
      const gen = generation();
      const first = settled(gen.acquire());
      const second = settled(gen.acquire());
      await clock.tickAsync(0);
      expect(server.connectAttempts).to.equal(1);
      server.pools[0]?.hanging[0]?.resolve();
      await clock.tickAsync(0);
      expect(first.state).to.equal('resolved');
      expect(server.connectAttempts).to.equal(2);
      expect(second.state).to.equal('pending');
    });

    it('serves a free connection first and opens at most two new ones at a time', async () => {
      const gen = generation();
      const warm = (await gen.acquire()) as DriverConnection;
      gen.release(warm);
      server.mode = 'hang';
      const callers = Array.from({ length: 6 }, () => settled(gen.acquire()));
      await clock.tickAsync(0);
      expect(callers[0]?.value).to.equal(warm);
      expect(server.pools[0]?.hanging).to.have.length(2);
      server.pools[0]?.hanging.shift()?.resolve();
      await clock.tickAsync(0);
      expect(callers[1]?.state).to.equal('resolved');
      expect(server.pools[0]?.hanging).to.have.length(2);
      expect(server.connectAttempts).to.equal(4);
      expect(callers.map((c) => c.state)).to.deep.equal([
        'resolved',
        'resolved',
        'pending',
        'pending',
        'pending',
        'pending',
      ]);
    });

    it('shares the failure of the one attempt with the callers queued behind it', async () => {
      server.mode = 'refuse';
      const gen = generation();
      const callers = Array.from({ length: 5 }, () => settled(gen.acquire()));
      await clock.tickAsync(0);
      expect(server.connectAttempts).to.equal(1);
      for (const caller of callers) expect(caller.error).to.include({ code: 'ECONNREFUSED' });
    });
  });

  describe('retire', () => {
    it('destroys idle connections now, lent ones when they come back, then ends the pool', async () => {
      const gen = generation();
      const lent = (await gen.acquire()) as DriverConnection;
      const idle = (await gen.acquire()) as DriverConnection;
      gen.release(idle);
      gen.retire();
      expect(idle.alive).to.equal(false);
      expect(lent.alive).to.equal(true);
      expect(await gen.acquire()).to.equal(retiredGeneration);
      expect(server.pools[0]?.ended).to.equal(false);
      gen.release(lent);
      expect(lent.alive).to.equal(false);
      await gen.whenEnded;
      expect(server.pools[0]?.ended).to.equal(true);
      expect(counters).to.deep.equal({ created: 2, destroyed: 2 });
    });

    it('aborts the connection attempts under way; their callers are told the pool was retired', async () => {
      const gen = generation();
      gen.release((await gen.acquire()) as DriverConnection);
      server.mode = 'hang';
      const callers = Array.from({ length: 4 }, () => settled(gen.acquire()));
      await clock.tickAsync(0);
      gen.retire();
      await clock.tickAsync(0);
      expect(server.pools[0]?.abortedConnects).to.equal(2);
      expect(callers.slice(1).map((c) => c.value)).to.deep.equal([
        retiredGeneration,
        retiredGeneration,
        retiredGeneration,
      ]);
      expect(server.connectAttempts).to.equal(3);
    });
  });

  describe('idleFor', () => {
    it('measures from the last release', async () => {
      const gen = generation();
      const connection = (await gen.acquire()) as DriverConnection;
      await clock.tickAsync(500);
      gen.release(connection);
      await clock.tickAsync(250);
      expect(gen.idleFor(connection)).to.equal(250);
    });
  });
});
