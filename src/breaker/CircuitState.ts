import type { CircuitStatus } from '../telemetry/Instrumentation.js';

export type { CircuitStatus };
/**
 * Why a breaker opened: its trip policy's name (`'consecutive-failures'`, `'failure-ratio'`, or
 * a custom policy's), `'probe-failed'` (a half-open probe failed), `'fleet-failures'` (the
 * failures of every process sharing the store reached the fleet threshold) or `'shared'`
 * (another process opened it).
 */
export type CircuitOpenReason = string;

/** Where a change came from: this process, or another one through the shared store. */
export type CircuitChangeSource = 'local' | 'shared';

/**
 * The state of a circuit breaker as data (STYLE.md principle 2). Each state carries its own data.
 * - `closed`: calls pass; outcomes feed the trip policy.
 * - `open`: calls are refused with `CircuitOpenError` until `halfOpenAt` (epoch ms).
 * - `half-open`: up to `probes` concurrent calls test the target; a success closes, a failure
 *   re-opens with a longer break.
 * - `isolated`: held open by `isolate()` until `reset()`; `retryAfterMs` is Infinity.
 */
export type CircuitState =
  | { readonly status: 'closed' }
  | {
      readonly status: 'open';
      /** Epoch ms when the break started. */
      readonly openedAt: number;
      /** Epoch ms when the breaker turns half-open. */
      readonly halfOpenAt: number;
      /** Length of this break, ms. */
      readonly breakDurationMs: number;
      readonly reason: CircuitOpenReason;
      readonly source: CircuitChangeSource;
    }
  | { readonly status: 'half-open'; /** Concurrent probes admitted. */ readonly probes: number }
  | { readonly status: 'isolated'; readonly source: CircuitChangeSource };

// A breaker's status is what telemetry reports (`holdfast.circuit.state`): one declaration, and a
// status added to the union above but not to `CircuitStatus` fails to compile here.
type StatusesAgree = [CircuitState['status']] extends [CircuitStatus]
  ? [CircuitStatus] extends [CircuitState['status']]
    ? true
    : never
  : never;
export const circuitStatusesAgree: StatusesAgree = true;

/**
 * Every allowed transition. `open -> open` re-arms a break (a longer one published by another
 * process); `open -> closed` is `reset()` or a close published by another process.
 */
export const circuitTransitions = {
  closed: ['open', 'isolated'],
  open: ['open', 'half-open', 'closed', 'isolated'],
  'half-open': ['closed', 'open', 'isolated'],
  isolated: ['closed'],
} as const satisfies Record<CircuitStatus, readonly CircuitStatus[]>;

export function isAllowedCircuitTransition(from: CircuitStatus, to: CircuitStatus): boolean {
  return (circuitTransitions[from] as readonly CircuitStatus[]).includes(to);
}

export const closedCircuit: CircuitState = Object.freeze({ status: 'closed' });
