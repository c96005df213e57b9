import { isRetryable } from '../classify/Classification.js';
import type { ConnectionManager } from '../connection/ConnectionManager.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { type CheckoutStage, CheckoutFailures, type PoolView } from './CheckoutFailures.js';
import { Deadline, DeadlineExceeded, raceCancellation } from './Deadline.js';
import { DeadlineTimer } from './DeadlineTimer.js';
import type { CheckoutPermits } from './CheckoutPermits.js';
import type { DriverConnection } from './driver.js';
import { Lease, type LeaseOwner, type LeasePermit, type PassedOn } from './Lease.js';
import { acceptPassedOn } from './passOn.js';
import { type PoolGeneration, retiredGeneration } from './PoolGeneration.js';

/** What checkouts need from their pool. */
export interface CheckoutHost extends PoolView, LeaseOwner {
  readonly permits: CheckoutPermits<PassedOn>;
  readonly manager: ConnectionManager<PoolGeneration>;
  readonly leases: Set<Lease>;
  /** Set once the pool is closing: every checkout fails with it. */
  closedError(): Error | undefined;
  noteConnectError(error: unknown): void;
  recordWait(ms: number): void;
  recordTimeout(): void;
}

/**
 * How a DatabasePool lends connections. The hot path (connected, a permit and an idle connection
 * free) sets up nothing; otherwise the checkout runs under a deadline of `checkoutTimeoutMs` (on
 * the pool's one DeadlineTimer): while the server is unreachable it waits on the manager's one
 * reconnect loop, then for a permit (the connection limit), then for a connection; one idle past
 * `idleValidationMs` is pinged, a dead one is thrown away and another is taken. A checkout
 * waiting for a permit is usually handed a connection with it, straight from the lease that
 * released it (`passOn`). When it gives up, the error says why.
 */
export class Checkouts {
  readonly #host: CheckoutHost;
  readonly #failures: CheckoutFailures;
  /** The deadlines of the checkouts under way. */
  readonly #deadlines: DeadlineTimer<Deadline>;

  constructor(host: CheckoutHost) {
    this.#host = host;
    this.#failures = new CheckoutFailures(host);
    this.#deadlines = new DeadlineTimer(host.config.clock);
  }

  /**
   * A connection for the caller, within `checkoutTimeoutMs`.
   *
   * @throws {PoolCheckoutError} the deadline passed or the queue is full; `reason` says why
   * @throws {ClosedError} the pool was closed
   * @throws {AbortedError} the caller's signal fired
   * @throws the fatal connect error itself (e.g. access denied), after one attempt
   */
  checkout(signal?: AbortSignal): Promise<Lease> {
    const startedAt = this.#host.config.clock.now();
    const closed = this.#host.closedError();
    if (closed !== undefined) return Promise.reject(closed);
    if (signal !== undefined || !this.#idleFree()) return this.#slowCheckout(signal, startedAt);
    // One promise layer on the hot path: the fast attempt, then the slow path only when needed.
    return this.#fastCheckout().then((lease) => {
      if (lease !== undefined) return this.#checkedOut(lease, startedAt);
      // close() may have run meanwhile; from here on it reaches this checkout's deadline.
      const closedMeanwhile = this.#host.closedError();
      if (closedMeanwhile !== undefined) throw closedMeanwhile;
      return this.#slowCheckout(undefined, startedAt);
    });
  }

  /** The checkout under a deadline (see the class comment). */
  async #slowCheckout(signal: AbortSignal | undefined, startedAt: number): Promise<Lease> {
    const { checkoutTimeoutMs } = this.#host.config;
    const full = this.#failures.refuseWhenFull(startedAt);
    if (full !== undefined) {
      this.#host.counters.checkoutFailures += 1;
      throw full;
    }
    const deadline = new Deadline(checkoutTimeoutMs, this.#deadlines, signal);
    let stage: CheckoutStage = 'server';
    // Its place in the queue, kept if it has to queue again.
    const place = this.#host.permits.nextPlace();
    this.#host.counters.pending += 1;
    try {
      for (;;) {
        stage = 'server';
        // Connected (the usual case under load): no wait, no promise.
        const state = this.#host.manager.state;
        const generation =
          state.status === 'connected' && !state.connection.retired
            ? state.connection
            : await this.#currentGeneration(deadline, startedAt);
        stage = 'permit';
        const permit = await this.#host.permits.acquire(deadline, place);
        const passed = permit.passedOn;
        if (passed !== undefined) {
          const lease = this.#lease(passed.generation, passed.connection, permit);
          if (!acceptPassedOn(this.#host, lease, deadline)) continue;
          return this.#checkedOut(lease, startedAt);
        }
        stage = 'connect';
        const lease = await this.#lend(generation, permit, deadline, (next) => {
          stage = next;
        });
        if (lease !== undefined) return this.#checkedOut(lease, startedAt);
      }
    } catch (error) {
      this.#host.counters.checkoutFailures += 1;
      if (deadline.expired) {
        this.#host.recordTimeout();
        throw this.#failures.afterDeadline(stage, startedAt);
      }
      if (deadline.reason !== undefined) throw deadline.reason;
      throw error;
    } finally {
      this.#host.counters.pending -= 1;
      deadline.dispose();
    }
  }

  /** Fails every checkout under way with `reason` (the pool is closing). */
  cancelAll(reason: Error): void {
    for (const deadline of this.#deadlines.entries()) deadline.cancel(reason);
  }

  /** Whether the hot path can serve a checkout now (it checks again as it takes). */
  #idleFree(): boolean {
    const state = this.#host.manager.state;
    if (state.status !== 'connected') return false;
    const { permits } = this.#host;
    return (
      state.connection.idle > 0 &&
      !state.connection.retired &&
      permits.waiting === 0 &&
      permits.held < permits.size
    );
  }

  /**
   * The hot path: connected, a permit free and an idle connection in the pool, so nothing can
   * wait long and no deadline is set up. A connection idle past `idleValidationMs` is pinged
   * (bounded by the timeouts); undefined sends the caller down the slow path.
   */
  async #fastCheckout(): Promise<Lease | undefined> {
    const state = this.#host.manager.state;
    if (state.status !== 'connected') return undefined;
    const generation = state.connection;
    if (generation.retired || generation.idle === 0) return undefined;
    const permit = this.#host.permits.tryAcquire();
    if (permit === undefined) return undefined;
    // Claimed now, so that concurrent fast checkouts do not count the same idle connection.
    const claim = generation.claimIdle();
    let acquired: DriverConnection | typeof retiredGeneration;
    try {
      acquired = await this.#acquire(generation);
    } catch (error) {
      permit.release();
      throw error;
    } finally {
      claim();
    }
    if (acquired === retiredGeneration) {
      permit.release();
      return undefined;
    }
    const lease = this.#lease(generation, acquired, permit);
    if (acquired.alive && !this.#stale(generation, acquired)) {
      return lease;
    }
    const { queryTimeoutMs, checkoutTimeoutMs } = this.#host.config;
    try {
      if (!acquired.alive) throw new Error('dead');
      await lease.run('ping', 'PING', undefined, Math.min(queryTimeoutMs, checkoutTimeoutMs));
      return lease;
    } catch {
      this.#host.counters.evictions += 1;
      lease.destroy();
      return undefined;
    }
  }

  /** One try at a connection from `generation`; undefined means "start over". */
  async #lend(
    generation: PoolGeneration,
    permit: LeasePermit,
    deadline: Deadline,
    setStage: (stage: CheckoutStage) => void,
  ): Promise<Lease | undefined> {
    let acquired: DriverConnection | typeof retiredGeneration;
    try {
      acquired = await raceCancellation(this.#acquire(generation), deadline, (late) => {
        if (late !== retiredGeneration) generation.release(late);
      });
    } catch (error) {
      permit.release();
      if (deadline.cancelled) this.#suspect(generation, error);
      throw error;
    }
    if (acquired === retiredGeneration) {
      permit.release();
      return undefined;
    }
    const lease = this.#lease(generation, acquired, permit);
    if (!acquired.alive) {
      this.#host.counters.evictions += 1;
      lease.destroy();
      return undefined;
    }
    if (this.#stale(generation, acquired)) {
      setStage('validate');
      try {
        await raceCancellation(lease.run('ping', 'PING', undefined), deadline);
      } catch (error) {
        this.#host.counters.evictions += 1;
        lease.destroy();
        if (!deadline.cancelled) return undefined;
        this.#suspect(generation, error);
        throw error;
      }
    }
    return lease;
  }

  /** Idle past `idleValidationMs` (always, when it is 0): ping before lending. */
  #stale(generation: PoolGeneration, connection: DriverConnection): boolean {
    const threshold = this.#host.config.idleValidationMs;
    return threshold === 0 || generation.idleFor(connection) > threshold;
  }

  #lease(generation: PoolGeneration, connection: DriverConnection, permit: LeasePermit): Lease {
    const lease = new Lease(generation, connection, permit, this.#host);
    this.#host.leases.add(lease);
    return lease;
  }

  #checkedOut(lease: Lease, startedAt: number): Lease {
    const { counters, config } = this.#host;
    const waited = config.clock.now() - startedAt;
    counters.checkouts += 1;
    counters.checkoutWaitMsTotal += waited;
    counters.checkoutWaitMsMax = Math.max(counters.checkoutWaitMsMax, waited);
    this.#host.recordWait(waited);
    return lease;
  }

  /**
   * `generation.acquire()`, reporting a failed connect: a retryable one tells the manager the
   * pool is lost (its one loop probes from now on) and the caller waits on it; a fatal one
   * (access denied) is the caller's error at once.
   */
  async #acquire(generation: PoolGeneration): Promise<DriverConnection | typeof retiredGeneration> {
    try {
      return await generation.acquire();
    } catch (error) {
      if (generation.retired) return retiredGeneration;
      const verdict = this.#host.config.classifier.classify(error, {
        attempt: 1,
        scope: 'connect',
      });
      if (!isRetryable(verdict)) throw error;
      this.#host.noteConnectError(error);
      this.#host.counters.checkoutRetries += 1;
      if (verdict.kind === 'throttled' && generation.size > 0) {
        // The server is up but full (1040 too many connections): keep working with the
        // connections this pool has, and do not ask for more for a throttled delay.
        this.#capGrowth(generation.size);
      } else {
        this.#host.manager.connectionLost(generation, error);
      }
      return retiredGeneration;
    }
  }

  /**
   * Caps the permits at the `open` connections for `retry.baseDelayMs * throttledDelayFactor`
   * (at most `retry.maxDelayMs`): the caller that was refused waits for one of them instead.
   */
  #capGrowth(open: number): void {
    const { clock, retry } = this.#host.config;
    const coolDownMs = Math.min(retry.baseDelayMs * retry.throttledDelayFactor, retry.maxDelayMs);
    this.#host.permits.capUntil(open, clock.now() + coolDownMs);
  }

  /** A connect or ping hung until the deadline: the server may be stalled; the manager probes. */
  #suspect(generation: PoolGeneration, error: unknown): void {
    if (error instanceof DeadlineExceeded) this.#host.manager.connectionLost(generation, error);
  }

  async #currentGeneration(deadline: Deadline, startedAt: number): Promise<PoolGeneration> {
    const state = this.#host.manager.state;
    if (state.status === 'connected' && !state.connection.retired) return state.connection;
    try {
      return await this.#host.manager.ready({ signal: deadline.signal });
    } catch (error) {
      if (deadline.reason !== undefined) throw deadline.reason;
      if (error instanceof RetriesExhaustedError) {
        throw this.#failures.unreachable(startedAt, error.cause);
      }
      throw error;
    }
  }
}
