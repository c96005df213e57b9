import { expect } from 'chai';
import type { RedisStatus } from 'ioredis';
import { connectionTransitions } from '../../src/connection/ConnectionState.js';
import {
  type IoredisStatus,
  acceptsCommands,
  connectionStatusOf,
  ioredisStatusTable,
  ioredisStatuses,
} from '../../src/ioredis/ioredisStatus.js';

// Every status ioredis 6 sets (Redis.ts, event_handler.ts: setStatus(...)), typed so that a status
// added to RedisStatus without a row here does not compile.
const everyStatus = {
  wait: true,
  reconnecting: true,
  connecting: true,
  connect: true,
  ready: true,
  close: true,
  end: true,
  monitoring: true,
} as const satisfies Record<RedisStatus | 'monitoring', true>;

describe('ioredisStatusTable', () => {
  it('has a row for every ioredis status and nothing else', () => {
    expect([...ioredisStatuses].sort()).to.deep.equal(Object.keys(everyStatus).sort());
  });

  for (const status of Object.keys(everyStatus) as IoredisStatus[]) {
    describe(`'${status}'`, () => {
      it('maps to a holdfast status', () => {
        expect(Object.keys(connectionTransitions)).to.include(connectionStatusOf(status));
      });

      it(`${acceptsCommands(status) ? 'accepts' : 'refuses'} commands, as its mapping says`, () => {
        expect(acceptsCommands(status)).to.equal(ioredisStatusTable[status] === 'connected');
      });
    });
  }

  it('accepts commands only when ready or monitoring', () => {
    expect(ioredisStatuses.filter(acceptsCommands).sort()).to.deep.equal(['monitoring', 'ready']);
  });

  it('maps the lifecycle of one instance onto holdfast statuses', () => {
    expect(
      ['wait', 'connecting', 'connect', 'ready', 'close', 'end'].map(connectionStatusOf),
    ).to.deep.equal(['idle', 'connecting', 'connecting', 'connected', 'closed', 'closed']);
    expect(connectionStatusOf('reconnecting')).to.equal('retrying');
  });
});

describe('connectionStatusOf', () => {
  it('maps a status it does not know to closed, so the connection is replaced', () => {
    expect(connectionStatusOf('teleporting')).to.equal('closed');
    expect(connectionStatusOf('toString')).to.equal('closed');
  });
});
