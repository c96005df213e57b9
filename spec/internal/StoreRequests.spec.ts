import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/internal/Clock.js';
import { type StoreHealthEvent, StoreRequests } from '../../src/internal/StoreRequests.js';
import { settled } from '../helpers/settled.js';

describe('StoreRequests', () => {
  let clock: sinon.SinonFakeTimers;
  let events: StoreHealthEvent[];
  let requests: StoreRequests;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    events = [];
    requests = new StoreRequests(systemClock, 100, (event) => events.push(event));
  });
  afterEach(() => {
    clock.restore();
  });

  it('bounds a request by timeoutMs and reports one failure per outage, then the restore', async () => {
    const hung = settled(requests.run('read', () => new Promise(() => undefined)));
    const refused = settled(requests.run('open', () => Promise.reject(new Error('ECONNREFUSED'))));
    await clock.tickAsync(100);
    expect((hung.error as Error).message).to.include(
      'shared store read took longer than 100 ms (raise shared.timeoutMs',
    );
    expect((refused.error as Error).message).to.equal('ECONNREFUSED');
    expect(events.map((e) => e.type)).to.deep.equal(['shared-store-failed']);
    expect(await requests.run('read', () => Promise.resolve(7))).to.equal(7);
    expect(events.map((e) => e.type)).to.deep.equal([
      'shared-store-failed',
      'shared-store-restored',
    ]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('abandons the requests under way on abandonAll, leaves no timer and reports nothing more', async () => {
    const hung = settled(requests.run('read', () => new Promise(() => undefined)));
    requests.abandonAll();
    await clock.tickAsync(0);
    expect(hung.state).to.equal('rejected');
    expect(clock.countTimers()).to.equal(0);
    expect(events).to.deep.equal([]);
    expect(requests.disposed).to.equal(true);
  });
});
