import { expect } from 'chai';
import {
  type CircuitStatus,
  circuitTransitions,
  isAllowedCircuitTransition,
} from '../../src/breaker/CircuitState.js';

const all: CircuitStatus[] = ['closed', 'open', 'half-open', 'isolated'];
const allowed = new Set([
  'closed>open',
  'closed>isolated',
  'open>open',
  'open>half-open',
  'open>closed',
  'open>isolated',
  'half-open>closed',
  'half-open>open',
  'half-open>isolated',
  'isolated>closed',
]);

describe('circuitTransitions', () => {
  for (const from of all) {
    for (const to of all) {
      const ok = allowed.has(`${from}>${to}`);
      it(`${ok ? 'allows' : 'refuses'} ${from} -> ${to}`, () => {
        expect(isAllowedCircuitTransition(from, to)).to.equal(ok);
      });
    }
  }

  it('has a row for every status', () => {
    expect(Object.keys(circuitTransitions).sort()).to.deep.equal([...all].sort());
  });
});
