import { isRetryable } from '../classify/Classification.js';
import type { ConnectionManager } from '../connection/ConnectionManager.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { abortReason } from '../internal/sleep.js';
import type { Permit } from './CheckoutPermits.js';
import { type CheckoutStage, CheckoutFailures, type PoolView } from './CheckoutFailures.js';
import { Deadline, DeadlineExceeded, raceSignal } from './Deadline.js';
import type { DriverConnection } from './driver.js';
import { Lease, type LeaseOwner } from './Lease.js';
import { type PoolGeneration, retiredGeneration } from './PoolGeneration.js';

/** What checkouts need from their pool. */
export interface CheckoutHost extends PoolView, LeaseOwner {
  readonly manager: ConnectionManager<PoolGeneration>;
  readonly leases: Set<Lease>;
  readonly closeController: AbortController;
  noteConnectError(error: unknown): void;
  recordWait(ms: number): void;
  recordTimeout(): void;
}

/**
 * How a DatabasePool lends connections. The hot path (connected, a permit and an idle connection
 * free) sets up nothing; otherwise the checkout runs under a deadline of `checkoutTimeoutMs`:
 * while the server is unreachable it waits on the manager's one reconnect loop, then for a
 * permit (the connection limit), then for a connection; one idle past `idleValidationMs` is
 * pinged, a dead one is thrown away and another is taken. When it gives up, the error says why.
 */
export class Checkouts {
  readonly #host: CheckoutHost;
  readonly #failures: CheckoutFailures;

  constructor(host: CheckoutHost) {
    this.#host = host;
    this.#failures = new CheckoutFailures(host);
  }

  /**
   * A connection for the caller, within `checkoutTimeoutMs`. While the server is unreachable
   * the caller waits on the manager's one reconnect loop; a connection idle for longer than
   * `idleValidationMs` is pinged first; a dead one is thrown away and another is taken.
   *
   * @throws {PoolCheckoutError} the deadline passed or the queue is full; `reason` says why
   * @throws {ClosedError} the pool was closed
   * @throws {AbortedError} the caller's signal fired
   * @throws the fatal connect error itself (e.g. access denied), after one attempt
   */
  async checkout(signal?: AbortSignal): Promise<Lease> {
    const { clock, checkoutTimeoutMs } = this.#host.config;
    const startedAt = clock.now();
    if (this.#host.closeController.signal.aborted)
      throw abortReason(this.#host.closeController.signal);
    if (signal === undefined) {
      const lease = await this.#fastCheckout();
      if (lease !== undefined) {
        this.#checkedOut(startedAt);
        return lease;
      }
    }
    const full = this.#failures.refuseWhenFull(startedAt);
    if (full !== undefined) {
      this.#host.counters.checkoutFailures += 1;
      throw full;
    }
    const deadline = new Deadline(checkoutTimeoutMs, clock, [
      signal,
      this.#host.closeController.signal,
    ]);
    let stage: CheckoutStage = 'server';
    this.#host.counters.pending += 1;
    try {
      for (;;) {
        stage = 'server';
        const generation = await this.#currentGeneration(deadline.signal, startedAt);
        stage = 'permit';
        const permit = await this.#host.permits.acquire(deadline.signal);
        stage = 'connect';
        const lease = await this.#lend(generation, permit, deadline.signal, (next) => {
          stage = next;
        });
        if (lease === undefined) continue;
        this.#checkedOut(startedAt);
        return lease;
      }
    } catch (error) {
      this.#host.counters.checkoutFailures += 1;
      if (deadline.expired) {
        this.#host.recordTimeout();
        throw this.#failures.afterDeadline(stage, startedAt);
      }
      if (deadline.signal.aborted) throw abortReason(deadline.signal);
      throw error;
    } finally {
      this.#host.counters.pending -= 1;
      deadline.dispose();
    }
  }

  /**
   * The hot path: connected, a permit free and an idle connection in the pool, so nothing can
   * wait long (no deadline, no abort signal to set up). A connection idle past
   * `idleValidationMs` is pinged within the checkout timeout; undefined sends the caller down
   * the slow path.
   */
  async #fastCheckout(): Promise<Lease | undefined> {
    const state = this.#host.manager.state;
    if (state.status !== 'connected') return undefined;
    const generation = state.connection;
    if (generation.retired || generation.idle === 0) return undefined;
    const permit = this.#host.permits.tryAcquire();
    if (permit === undefined) return undefined;
    let acquired: DriverConnection | typeof retiredGeneration;
    try {
      acquired = await this.#acquire(generation);
    } catch (error) {
      permit.release();
      throw error;
    }
    if (acquired === retiredGeneration) {
      permit.release();
      return undefined;
    }
    const lease = new Lease(generation, acquired, permit, this.#host);
    this.#host.leases.add(lease);
    if (!acquired.alive || generation.idleFor(acquired) > this.#host.config.idleValidationMs) {
      if (!acquired.alive || !(await this.#answers(lease))) {
        this.#host.counters.evictions += 1;
        lease.destroy();
        return undefined;
      }
    }
    return lease;
  }

  async #answers(lease: Lease): Promise<boolean> {
    const { queryTimeoutMs, checkoutTimeoutMs } = this.#host.config;
    try {
      await lease.run('ping', '', undefined, 'PING', Math.min(queryTimeoutMs, checkoutTimeoutMs));
      return true;
    } catch {
      return false;
    }
  }

  #checkedOut(startedAt: number): void {
    const waited = this.#host.config.clock.now() - startedAt;
    this.#host.counters.checkouts += 1;
    this.#host.counters.checkoutWaitMsTotal += waited;
    this.#host.counters.checkoutWaitMsMax = Math.max(this.#host.counters.checkoutWaitMsMax, waited);
    this.#host.recordWait(waited);
  }

  /** One try at a connection from `generation`; undefined means "start over". */
  async #lend(
    generation: PoolGeneration,
    permit: Permit,
    signal: AbortSignal,
    setStage: (stage: CheckoutStage) => void,
  ): Promise<Lease | undefined> {
    let acquired: DriverConnection | typeof retiredGeneration;
    try {
      acquired = await raceSignal(this.#acquire(generation), signal, (late) => {
        if (late !== retiredGeneration) generation.release(late);
      });
    } catch (error) {
      permit.release();
      if (signal.aborted) this.#suspect(generation, error);
      throw error;
    }
    if (acquired === retiredGeneration) {
      permit.release();
      return undefined;
    }
    const connection = acquired;
    const lease = new Lease(generation, connection, permit, this.#host);
    this.#host.leases.add(lease);
    if (!connection.alive) {
      this.#host.counters.evictions += 1;
      lease.destroy();
      return undefined;
    }
    if (generation.idleFor(connection) > this.#host.config.idleValidationMs) {
      setStage('validate');
      try {
        await raceSignal(
          lease.run('ping', '', undefined, 'PING', this.#host.config.queryTimeoutMs),
          signal,
        );
      } catch (error) {
        this.#host.counters.evictions += 1;
        lease.destroy();
        if (signal.aborted) {
          this.#suspect(generation, error);
          throw error;
        }
        return undefined;
      }
    }
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
      this.#host.manager.connectionLost(generation, error);
      return retiredGeneration;
    }
  }

  /** The connect or ping hung until the deadline: the server may be stalled; let the manager probe. */
  #suspect(generation: PoolGeneration, error: unknown): void {
    if (!(error instanceof DeadlineExceeded)) return;
    this.#host.manager.connectionLost(generation, error);
  }

  async #currentGeneration(signal: AbortSignal, startedAt: number): Promise<PoolGeneration> {
    const state = this.#host.manager.state;
    if (state.status === 'connected' && !state.connection.retired) return state.connection;
    try {
      return await this.#host.manager.ready({ signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason as Error;
      if (error instanceof RetriesExhaustedError) {
        throw this.#failures.unreachable(startedAt, error.cause);
      }
      throw error;
    }
  }
}
