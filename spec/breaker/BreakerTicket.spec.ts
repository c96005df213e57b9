import { expect } from 'chai';
import { BreakerTicket } from '../../src/breaker/BreakerTicket.js';
import { fatal, throttled, transient } from '../../src/classify/Classification.js';

function recorded(): { outcomes: string[]; ticket: BreakerTicket } {
  const outcomes: string[] = [];
  const ticket = new BreakerTicket((_, outcome) => outcomes.push(outcome), 3, false, 0);
  return { outcomes, ticket };
}

describe('BreakerTicket', () => {
  describe('failure', () => {
    it('reports transient and throttled errors as failures and fatal ones as ignored', () => {
      const kinds = [transient('t'), throttled('b'), fatal('f')].map((classification) => {
        const { outcomes, ticket } = recorded();
        ticket.failure(new Error('x'), classification);
        return outcomes[0];
      });
      expect(kinds).to.deep.equal(['failure', 'failure', 'ignored']);
    });
  });

  describe('reporting twice', () => {
    it('reports only the first outcome', () => {
      const { outcomes, ticket } = recorded();
      ticket.success();
      ticket.failure(new Error('x'), transient('t'));
      ticket.success();
      expect(outcomes).to.deep.equal(['success']);
    });
  });
});
