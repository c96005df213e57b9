import { expect } from 'chai';
import type sinon from 'sinon';
import type { HoldfastPromisePool } from '../../src/mysql2/HoldfastPool.js';
import { createPool } from '../../src/mysql2/promise.js';
import { FakeMysqlServer, fakeTime } from '../helpers/fakeMysqlServer.js';
import { settled } from '../helpers/settled.js';

describe('decoratePool (close and end, fake server and fake time)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeMysqlServer;
  let pool: HoldfastPromisePool;
  beforeEach(() => {
    clock = fakeTime();
    server = new FakeMysqlServer();
    pool = createPool({ user: 'app', stream: server.stream, connectionLimit: 1 });
  });
  afterEach(() => {
    clock.restore();
  });

  it('waits for a checked-out connection up to timeoutMs, then ends everything and leaves no timer', async () => {
    const held = await pool.getConnection();
    const queued = settled(pool.getConnection());
    const closing = settled(pool.close({ timeoutMs: 1000 }));
    await clock.tickAsync(0);
    expect(queued.error).to.have.property('code', 'ERR_HOLDFAST_CLOSED');
    await clock.tickAsync(999);
    expect(closing.state).to.equal('pending');
    held.release();
    await clock.tickAsync(0);
    expect(closing.state).to.equal('resolved');
    expect(pool.state.status).to.equal('closed');
    expect(pool.metrics()).to.include({ size: 0, used: 0 });
    expect(clock.countTimers()).to.equal(0);
  });

  it('ends a connection still checked out when timeoutMs passes', async () => {
    await pool.getConnection();
    const closing = settled(pool.close({ timeoutMs: 500 }));
    await clock.tickAsync(500);
    await clock.tickAsync(1000);
    expect(closing.state).to.equal('resolved');
    expect(pool.metrics()).to.include({ size: 0, destroyed: 1 });
    expect(clock.countTimers()).to.equal(0);
  });

  it("closes at once through mysql2's end(), and checkouts after it fail with ClosedError", async () => {
    const connection = await pool.getConnection();
    connection.release();
    const ended = settled(pool.end());
    await clock.tickAsync(0);
    expect(ended.state).to.equal('resolved');
    const late = settled(pool.getConnection());
    await clock.tickAsync(0);
    expect(late.error).to.have.property('code', 'ERR_HOLDFAST_CLOSED');
  });
});
