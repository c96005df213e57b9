import { expect } from 'chai';
import {
  type ConnectionState,
  type ConnectionStatus,
  connectionTransitions,
  isAllowedTransition,
} from '../../src/connection/ConnectionState.js';
import { transition } from '../../src/connection/transition.js';

const error = new Error('refused');
const sample: Record<ConnectionStatus, ConnectionState<string>> = {
  idle: { status: 'idle' },
  connecting: { status: 'connecting', attempt: 1 },
  retrying: { status: 'retrying', retry: 1, delayMs: 1000, error },
  connected: { status: 'connected', connection: 'c', attempt: 1 },
  failed: { status: 'failed', error },
  closed: { status: 'closed' },
};
const statuses = Object.keys(sample) as ConnectionStatus[];

const allowed: readonly (readonly [ConnectionStatus, ConnectionStatus])[] = [
  ['idle', 'connecting'],
  ['idle', 'closed'],
  ['connecting', 'connected'],
  ['connecting', 'retrying'],
  ['connecting', 'failed'],
  ['connecting', 'closed'],
  ['retrying', 'connecting'],
  ['retrying', 'closed'],
  ['connected', 'connecting'],
  ['connected', 'closed'],
  ['failed', 'connecting'],
  ['failed', 'closed'],
];
const isListed = (from: ConnectionStatus, to: ConnectionStatus): boolean =>
  allowed.some(([a, b]) => a === from && b === to);

describe('transition', () => {
  describe('allowed moves (DESIGN.md "Connection state")', () => {
    for (const [from, to] of allowed) {
      it(`returns the next state for ${from} -> ${to}`, () => {
        expect(transition(sample[from], sample[to])).to.equal(sample[to]);
      });
    }
  });

  describe('forbidden moves', () => {
    for (const from of statuses) {
      for (const to of statuses) {
        if (isListed(from, to)) continue;
        it(`throws a TypeError for ${from} -> ${to}`, () => {
          expect(() => transition(sample[from], sample[to], 'mysql-main'))
            .to.throw(TypeError)
            .with.property('message')
            .that.includes(`'${from}' to '${to}'`);
        });
      }
    }
  });

  describe('connectionTransitions', () => {
    it('lists exactly the moves of the design, nothing from closed', () => {
      const listed = statuses.flatMap((from) =>
        statuses.filter((to) => isAllowedTransition(from, to)).map((to) => `${from}->${to}`),
      );
      expect(listed).to.have.members(allowed.map(([a, b]) => `${a}->${b}`));
      expect(connectionTransitions.closed).to.deep.equal([]);
    });
  });
});
