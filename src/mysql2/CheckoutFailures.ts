import type { ConnectionState } from '../connection/ConnectionState.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import type { CheckoutPermits } from './CheckoutPermits.js';
import type { PoolCounters } from './DatabasePoolMetrics.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { type CheckoutFailureReason, PoolCheckoutError } from './PoolCheckoutError.js';

/** Where a checkout was when its deadline passed: decides what the error says. */
export type CheckoutStage = 'server' | 'permit' | 'connect' | 'validate';

/** What the failure messages read from the pool. */
export interface PoolView {
  readonly config: ResolvedPoolConfig;
  readonly permits: Pick<CheckoutPermits, 'held' | 'oldestHeldMs'>;
  readonly counters: PoolCounters;
  readonly leases: { readonly size: number };
  readonly manager: { readonly state: ConnectionState<unknown> };
  /** The last error a connection attempt (by a caller or the manager) ended with. */
  lastConnectError(): unknown;
}

/**
 * Builds the PoolCheckoutError of a checkout that gave up, saying why: the server unreachable
 * (with the last connect error), the pool exhausted (how many out, for how long), or the queue full.
 */
export class CheckoutFailures {
  readonly #pool: PoolView;

  constructor(pool: PoolView) {
    this.#pool = pool;
  }

  /** The refusal of a checkout that may not even queue, or undefined when it may go on. */
  refuseWhenFull(startedAt: number): PoolCheckoutError | undefined {
    const { queueLimit, waitForConnections, connectionLimit } = this.#pool.config;
    if (this.#pool.permits.held < connectionLimit) return undefined;
    if (!waitForConnections) return this.#error('pool-exhausted', startedAt, undefined, 0);
    if (queueLimit > 0 && this.queued() >= queueLimit) {
      return this.#error('queue-limit', startedAt, undefined, 0);
    }
    return undefined;
  }

  /** The deadline passed while the checkout was at `stage`. */
  afterDeadline(stage: CheckoutStage, startedAt: number): PoolCheckoutError {
    const connected = this.#pool.manager.state.status === 'connected';
    const reason: CheckoutFailureReason =
      stage === 'permit' && connected ? 'pool-exhausted' : 'server-unreachable';
    return this.#error(reason, startedAt, this.#lastKnownConnectError());
  }

  /** The reconnect loop gave up (`RetriesExhaustedError`); `cause` is its last error. */
  unreachable(startedAt: number, cause: unknown): PoolCheckoutError {
    return this.#error('server-unreachable', startedAt, cause);
  }

  /** Checkouts under way beyond the free permits: those that will have to wait. */
  queued(): number {
    const free = Math.max(0, this.#pool.config.connectionLimit - this.#pool.permits.held);
    return Math.max(0, this.#pool.counters.pending - free);
  }

  #lastKnownConnectError(): unknown {
    const state = this.#pool.manager.state;
    if (state.status === 'retrying') return state.error;
    if (state.status === 'failed') {
      return state.error instanceof RetriesExhaustedError ? state.error.cause : state.error;
    }
    return this.#pool.lastConnectError();
  }

  /** `self`: 1 when the failing checkout is itself counted in `pending`. */
  #error(
    reason: CheckoutFailureReason,
    startedAt: number,
    lastError: unknown,
    self = 1,
  ): PoolCheckoutError {
    const { config, permits, leases } = this.#pool;
    return new PoolCheckoutError({
      reason,
      pool: config.name,
      waitedMs: config.clock.now() - startedAt,
      checkedOut: leases.size,
      poolSize: config.connectionLimit,
      oldestHeldMs: permits.oldestHeldMs(),
      queued: Math.max(0, this.queued() - self),
      queueLimit: config.queueLimit,
      ...(reason === 'server-unreachable' && lastError !== undefined ? { lastError } : {}),
    });
  }
}
