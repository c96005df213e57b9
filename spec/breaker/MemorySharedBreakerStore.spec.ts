import sinon from 'sinon';
import { MemorySharedBreakerStore } from '../../src/breaker/MemorySharedBreakerStore.js';
import { sharedStoreContract } from './sharedStoreContract.js';

describe('MemorySharedBreakerStore', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 5_000_000 });
  });
  afterEach(() => {
    clock.restore();
  });

  describe('the SharedBreakerStore contract', () => {
    sharedStoreContract(() => ({
      store: new MemorySharedBreakerStore(),
      advance: async (ms) => {
        await clock.tickAsync(ms);
      },
      settle: () => clock.tickAsync(0).then(() => undefined),
      key: (name) => name,
    }));
  });
});
