import type { Classification } from '../classify/Classification.js';
import type { ConnectionState } from './ConnectionState.js';

/**
 * What a `ConnectionManager` did, as it happened (`manager.events$`). Discriminated by `type`;
 * `retry-scheduled` is emitted before the wait begins, so a listener can act on it in time.
 */
export type ConnectionEvent<C> =
  | { readonly type: 'attempt-started'; readonly attempt: number }
  | {
      readonly type: 'attempt-failed';
      readonly attempt: number;
      readonly error: unknown;
      readonly classification: Classification;
    }
  | {
      readonly type: 'retry-scheduled';
      /** The retry about to be waited for (1 for the first retry). */
      readonly retry: number;
      /** How long the wait will be, ms. */
      readonly delayMs: number;
      readonly error: unknown;
    }
  | { readonly type: 'connected'; readonly attempt: number; readonly connection: C }
  | { readonly type: 'connection-lost'; readonly error: unknown }
  | {
      readonly type: 'gave-up';
      /** The state's error: a `RetriesExhaustedError`, or the fatal error itself. */
      readonly error: Error;
      readonly attempts: number;
    }
  | {
      readonly type: 'state-changed';
      readonly state: ConnectionState<C>;
      readonly previous: ConnectionState<C>;
    }
  | {
      /** A user callback (disconnect, lost, breaker, budget) threw; the manager carried on. */
      readonly type: 'callback-failed';
      readonly callback: 'disconnect' | 'lost' | 'circuitBreaker' | 'budget';
      readonly error: unknown;
    };

export type ConnectionEventType = ConnectionEvent<unknown>['type'];
