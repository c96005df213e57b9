import type { Pool, PoolConnection } from 'mysql2';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import { ClosedError } from '../errors/ClosedError.js';
import { registerPoolMetrics, type PoolMetrics } from '../telemetry/poolMetrics.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import {
  type DatabasePoolMetrics,
  type PoolCounters,
  emptyCounters,
} from './DatabasePoolMetrics.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { PoolConnections } from './PoolConnections.js';
import { PoolCheckoutError } from './PoolCheckoutError.js';
import type { BaseCheckout, CheckoutCallback } from './CheckoutCallback.js';
import { probeConnection } from './probeConnection.js';
import type { SocketTracker } from './SocketTracker.js';

export type { BaseCheckout, CheckoutCallback } from './CheckoutCallback.js';

/**
 * Everything holdfast keeps beside one mysql2 pool: its config, the ConnectionManager that owns
 * the target's state and reconnect loop, what is known of its connections, the sockets it
 * opened and the counters behind `metrics()`.
 *
 * The manager's "connection" is the target description (the same frozen object for the pool's
 * life): the pool's connections come and go in mysql2; the manager only knows whether the server
 * answers. Its connect attempt checks out one connection through mysql2 (opening one when none
 * is free), pings it unless it was just opened, and gives it back.
 */
export class PoolRuntime {
  readonly config: ResolvedPoolConfig;
  readonly pool: Pool;
  readonly manager: ConnectionManager<TargetDescription>;
  readonly counters: PoolCounters = emptyCounters();
  readonly connections: PoolConnections;
  readonly sockets: SocketTracker;
  readonly baseCheckout: BaseCheckout;
  /** Callbacks that must pass mysql2's getConnection without the gate (re-queued by mysql2). */
  readonly ungated = new Set<CheckoutCallback>();
  /** The reconnect loop's own checkouts: never held at the gate. */
  readonly probes = new Set<CheckoutCallback>();
  /** Connections opened since their last checkout (no ping needed). */
  readonly fresh = new WeakSet<PoolConnection>();
  readonly poolMetrics: PoolMetrics | undefined;
  #lastConnectError: unknown;
  #releaseWaiters: (() => void)[] = [];
  #growthCap: { readonly size: number; readonly until: number } | undefined;

  constructor(config: ResolvedPoolConfig, pool: Pool, sockets: SocketTracker, base: BaseCheckout) {
    this.config = config;
    this.pool = pool;
    this.sockets = sockets;
    this.baseCheckout = base;
    this.connections = new PoolConnections(config.clock);
    this.manager = new ConnectionManager({
      ...config.manager,
      connect: (signal) => probeConnection(this, signal),
    });
    this.poolMetrics = registerPoolMetrics(
      config.manager.meter,
      config.name,
      () => this.metrics(),
      config.target,
    );
  }

  get lastConnectError(): unknown {
    return this.#lastConnectError;
  }

  /** A connect failed for a retryable reason: the manager's loop takes over (single flight). */
  targetLost(error: unknown): void {
    this.#lastConnectError = error;
    const state = this.manager.state;
    if (state.status === 'connected') {
      this.counters.reconnects += 1;
      this.manager.connectionLost(state.connection, error);
    }
  }

  /**
   * After the server refused a new connection as throttled (1040 too many connections), the
   * pool keeps to the connections it has for `baseDelayMs` x `throttledDelayFactor`.
   */
  capGrowth(): void {
    const { clock, retry } = this.config;
    this.#growthCap = {
      size: this.connections.size,
      until: clock.now() + retry.baseDelayMs * retry.throttledDelayFactor,
    };
  }

  /** True while the cap holds and no connection is free: a checkout should wait for one. */
  growthCapped(): boolean {
    const cap = this.#growthCap;
    if (cap === undefined) return false;
    if (this.config.clock.now() >= cap.until) {
      this.#growthCap = undefined;
      return false;
    }
    return this.connections.size >= cap.size && this.connections.idle === 0;
  }

  /** Runs `wake` once, when the next connection is given back (or the pool closes). */
  whenReleased(wake: () => void): void {
    this.#releaseWaiters.push(wake);
  }

  /**
   * A connection was given back: the checkout waiting longest for one (see `whenReleased`) looks
   * again. One per release: the connection reaches mysql2's free list only on a later tick, so
   * a second one woken now would find none free and open a new connection.
   */
  released(): void {
    this.#releaseWaiters.shift()?.();
  }

  /** Every checkout waiting for a release looks again (the pool is closing). */
  wakeAll(): void {
    const waiters = this.#releaseWaiters;
    this.#releaseWaiters = [];
    for (const wake of waiters) wake();
  }

  closedError(): ClosedError {
    return new ClosedError(
      `The pool ${this.config.name} is closed; create a new pool to connect again.`,
    );
  }

  checkoutError(
    reason: 'server-unreachable' | 'pool-exhausted',
    started: number,
  ): PoolCheckoutError {
    const { connections, config } = this;
    const state = this.manager.state;
    // The reconnect loop's last failure, else the last checkout's own.
    const lastError =
      state.status === 'retrying' || state.status === 'failed'
        ? state.error
        : this.#lastConnectError;
    return new PoolCheckoutError({
      reason,
      pool: config.name,
      waitedMs: config.clock.now() - started,
      checkedOut: connections.used,
      poolSize: config.connectionLimit,
      oldestHeldMs: connections.oldestHeldMs(),
      queued: connections.pending,
      queueLimit: 0,
      ...(reason === 'server-unreachable' && lastError !== undefined ? { lastError } : {}),
    });
  }

  metrics(): DatabasePoolMetrics {
    const { connections } = this;
    return {
      ...this.counters,
      size: connections.size,
      idle: connections.idle,
      used: connections.used,
      pending: connections.pending,
      max: this.config.connectionLimit,
    };
  }
}
