import { expect } from 'chai';
import { Subject } from 'rxjs';
import { watchResilience } from '../../src/connection/watchResilience.js';
import {
  type Instrumentation,
  type SharedComponent,
  noopInstrumentation,
} from '../../src/telemetry/Instrumentation.js';

type StoreEvent =
  | { type: 'shared-store-failed'; operation: string; error: unknown }
  | { type: 'shared-store-restored' }
  | { type: 'exhausted'; tokens: number; reserve: number };

describe('watchResilience', () => {
  it('reports the shared-store events of the breaker and the budget until stopped', () => {
    const calls: [SharedComponent, string | undefined, unknown][] = [];
    const instrumentation: Instrumentation = {
      ...noopInstrumentation,
      sharedStoreChanged: (component, operation, error) => {
        calls.push([component, operation, error]);
      },
    };
    const breakerEvents = new Subject<StoreEvent>();
    const budgetEvents = new Subject<StoreEvent>();
    const budget = { events$: budgetEvents, tryRetry: () => true, recordSuccess: () => undefined };
    const stop = watchResilience({ events$: breakerEvents }, budget, {
      instrumentation,
      event: () => undefined,
    });
    const down = new Error('ECONNREFUSED');
    budgetEvents.next({ type: 'exhausted', tokens: 4, reserve: 0 });
    budgetEvents.next({ type: 'shared-store-failed', operation: 'applyBudget', error: down });
    breakerEvents.next({ type: 'shared-store-failed', operation: 'read', error: down });
    budgetEvents.next({ type: 'shared-store-restored' });
    stop();
    breakerEvents.next({ type: 'shared-store-restored' });
    expect(calls).to.deep.equal([
      ['retry budget', 'applyBudget', down],
      ['circuit breaker', 'read', down],
      ['retry budget', undefined, undefined],
    ]);
  });
});
