import type { ConnectionState } from '../connection/ConnectionState.js';
import type { Cancellation } from './Deadline.js';
import type { PoolCounters } from './DatabasePoolMetrics.js';
import type { DriverConnection } from './driver.js';
import type { Lease, LeasePermit } from './Lease.js';
import type { PoolGeneration } from './PoolGeneration.js';

/** What a hand-off reads from the pool. */
export interface HandOffPool {
  readonly permits: { readonly waiting: number };
  readonly manager: { readonly state: ConnectionState<PoolGeneration> };
  readonly config: { readonly idleValidationMs: number };
  readonly counters: PoolCounters;
}

/**
 * Passes a released, healthy connection with its permit straight to the first checkout waiting
 * for a permit, as mysql2's own pool hands a released connection to its queue: the waiter takes
 * no detour through the driver's free list. Only while the connection may be lent at once: its
 * generation is the current one, and the pool does not ping on every checkout
 * (`idleValidationMs` 0), since a connection handed on was in use until now, not idle. False
 * when nobody waits or it may not be handed on: the caller returns it to the free list.
 */
export function passOn(
  pool: HandOffPool,
  generation: PoolGeneration,
  connection: DriverConnection,
  permit: LeasePermit,
): boolean {
  if (pool.permits.waiting === 0 || pool.config.idleValidationMs === 0) return false;
  const state = pool.manager.state;
  if (state.status !== 'connected' || state.connection !== generation || generation.retired) {
    return false;
  }
  return permit.passOn({ generation, connection });
}

/**
 * Whether the waiter may keep `lease`, made on a connection handed on to it: the generation may
 * have been retired, or the connection died, since; then the lease is released (the connection
 * destroyed) and the waiter starts over. A close or abort that came since is thrown.
 */
export function acceptPassedOn(
  pool: HandOffPool,
  lease: Lease,
  cancellation: Cancellation,
): boolean {
  const cancelled = cancellation.reason;
  if (cancelled !== undefined) {
    lease.release();
    throw cancelled;
  }
  if (lease.usable && !lease.generation.retired) return true;
  if (!lease.usable) pool.counters.evictions += 1;
  lease.release();
  return false;
}
