import { expect } from 'chai';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import { StatePublisher } from '../../src/connection/StatePublisher.js';

describe('StatePublisher', () => {
  let made: StatePublisher<string>[] = [];
  function make() {
    const changes: string[] = [];
    const publisher = new StatePublisher<string>('mysql-main', (status, previous) =>
      changes.push(`${previous}->${status}`),
    );
    made.push(publisher);
    return { publisher, changes };
  }
  // Closed like a manager's, so that spec/helpers/liveManagers.ts sees nothing left open.
  afterEach(() => {
    for (const publisher of made) {
      if (publisher.state.status !== 'idle' && publisher.state.status !== 'closed') {
        publisher.set({ status: 'closed' });
      }
    }
    made = [];
  });

  describe('set()', () => {
    it('publishes an allowed move to the snapshot, state$, events$, waiters and telemetry', () => {
      const { publisher, changes } = make();
      const states: string[] = [];
      const events: ConnectionEvent<string>['type'][] = [];
      const told: string[] = [];
      publisher.state$.subscribe((s) => states.push(s.status));
      publisher.events$.subscribe((e) => events.push(e.type));
      publisher.waiters.add((s) => told.push(s.status));
      publisher.set({ status: 'connecting', attempt: 1 });
      expect(publisher.state).to.deep.equal({ status: 'connecting', attempt: 1 });
      expect(states).to.deep.equal(['idle', 'connecting']);
      expect(events).to.deep.equal(['state-changed']);
      expect(told).to.deep.equal(['connecting']);
      expect(changes).to.deep.equal(['idle->connecting']);
    });

    it('throws a TypeError for a forbidden move and publishes nothing', () => {
      const { publisher, changes } = make();
      const states: string[] = [];
      publisher.state$.subscribe((s) => states.push(s.status));
      expect(() => {
        publisher.set({ status: 'connected', connection: 'c', attempt: 1 });
      }).to.throw(TypeError);
      expect(publisher.state).to.deep.equal({ status: 'idle' });
      expect(states).to.deep.equal(['idle']);
      expect(changes).to.deep.equal([]);
    });

    it('delivers a change made from inside a notification after the one being delivered', () => {
      const { publisher } = make();
      const first: string[] = [];
      const second: string[] = [];
      publisher.state$.subscribe((s) => {
        first.push(s.status);
        if (s.status === 'connecting') publisher.set({ status: 'failed', error: new Error('x') });
      });
      publisher.state$.subscribe((s) => second.push(s.status));
      publisher.set({ status: 'connecting', attempt: 1 });
      expect(first).to.deep.equal(['idle', 'connecting', 'failed']);
      expect(second).to.deep.equal(['idle', 'connecting', 'failed']);
    });
  });

  describe('emit()', () => {
    it('builds no notification while nobody listens', () => {
      const { publisher } = make();
      publisher.emit({ type: 'attempt-started', attempt: 1 });
      const events: string[] = [];
      publisher.events$.subscribe((e) => events.push(e.type));
      publisher.emit({ type: 'attempt-started', attempt: 2 });
      expect(events).to.deep.equal(['attempt-started']);
    });
  });

  describe('completeStates() / completeEvents()', () => {
    it('complete the two streams separately', () => {
      const { publisher } = make();
      const done: string[] = [];
      publisher.state$.subscribe({ complete: () => done.push('states') });
      publisher.events$.subscribe({ complete: () => done.push('events') });
      publisher.completeStates();
      expect(done).to.deep.equal(['states']);
      publisher.completeEvents();
      expect(done).to.deep.equal(['states', 'events']);
    });
  });
});
