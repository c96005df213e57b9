import sinon from 'sinon';
import { MemorySharedBudgetStore } from '../../src/budget/MemorySharedBudgetStore.js';
import { sharedBudgetStoreContract } from './sharedBudgetStoreContract.js';

describe('MemorySharedBudgetStore', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    clock.restore();
  });

  describe('the SharedBudgetStore contract', () => {
    let n = 0;
    sharedBudgetStoreContract(() => ({
      store: new MemorySharedBudgetStore(),
      advance: async (ms) => {
        await clock.tickAsync(ms);
      },
      key: (name) => `${name}-${(n += 1)}`,
    }));
  });
});
