import { expect } from 'chai';
import type sinon from 'sinon';
import { parseDatabasePoolConfig } from '../../src/mysql2/parseDatabasePoolConfig.js';
import { TargetGate } from '../../src/mysql2/TargetGate.js';
import { FakeMysqlServer, fakeTime } from '../helpers/fakeMysqlServer.js';

describe('TargetGate (createConnection, fake server and fake time)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeMysqlServer;
  let gate: TargetGate | undefined;
  beforeEach(() => {
    clock = fakeTime();
    server = new FakeMysqlServer();
  });
  afterEach(async () => {
    await gate?.manager.close();
    gate = undefined;
    clock.restore();
  });

  const lost = Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' });

  describe('when its last connection closes while the loop runs', () => {
    it('closes once that cycle ends, and starts no cycle for nobody', async () => {
      const config = parseDatabasePoolConfig(
        {
          user: 'app',
          stream: server.stream,
          retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 100, jitter: 'none' },
        },
        {},
      );
      const own = new TargetGate(config, config.driverOptions);
      gate = own;
      let closed = 0;
      const release = own.hold(() => (closed += 1));
      server.connect = 'drop';
      own.targetLost(lost);
      await clock.tickAsync(150);
      expect(own.manager.state.status).to.equal('retrying');
      // The last connection goes mid-cycle (a library destroyed it after the server died), late enough that a caller
      // arriving now would be owed attempts after this cycle ends.
      release();
      await clock.tickAsync(10_000);
      expect(server.connections, 'one cycle: maxRetries + 1 attempts').to.have.length(3);
      expect(closed).to.equal(1);
      expect(own.manager.state.status).to.equal('closed');
    });
  });
});
