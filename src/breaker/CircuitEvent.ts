import type { CircuitChangeSource, CircuitOpenReason } from './CircuitState.js';

/**
 * What a circuit breaker reports on `events$` (telemetry turns them into the span events
 * `circuit.opened`, `circuit.half_opened`, `circuit.closed` and the circuit-state metric).
 */
export type CircuitEvent =
  | {
      readonly type: 'opened';
      readonly reason: CircuitOpenReason;
      readonly breakDurationMs: number;
      readonly source: CircuitChangeSource;
    }
  | { readonly type: 'half-opened' }
  | { readonly type: 'closed'; readonly source: CircuitChangeSource }
  | { readonly type: 'isolated'; readonly source: CircuitChangeSource }
  | {
      readonly type: 'call-rejected';
      readonly status: 'open' | 'half-open' | 'isolated';
      readonly retryAfterMs: number;
    }
  /**
   * A shared-store operation failed: the breaker carries on with its local state only, and tries
   * the store again on its next sync. Reported once per outage of the store.
   */
  | { readonly type: 'shared-store-failed'; readonly operation: string; readonly error: unknown }
  /** The shared store answers again after a `shared-store-failed`. */
  | { readonly type: 'shared-store-restored' };

export type CircuitEventType = CircuitEvent['type'];
