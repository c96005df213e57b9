import type { Classification } from '../classify/Classification.js';
import type { ProbeOutcome } from '../probe/ProbeResult.js';
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
  | {
      /**
       * A probe of the target's port during a backoff wait after "nobody listening" (not an
       * attempt: no login, no byte sent, not counted by breaker or budget). `listening` ends the
       * wait: the retry starts now.
       */
      readonly type: 'probe-result';
      /** The retry whose wait is being watched. */
      readonly retry: number;
      /** 1 for the first probe of this wait. */
      readonly probe: number;
      readonly outcome: ProbeOutcome;
      /** Why it did not connect (`refused`, `failed`). */
      readonly error?: unknown;
    }
  | {
      /**
       * A cycle gave up while calls were still within their wait limit: the next cycle starts
       * after `delayMs` (the policy's base delay) unless one starts sooner.
       */
      readonly type: 'restart-scheduled';
      readonly delayMs: number;
      /** Calls waiting for a connection. */
      readonly waiting: number;
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
