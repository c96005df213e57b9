import { setMaxListeners } from 'node:events';
import { isRetryable } from '../classify/Classification.js';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import type { Clock } from '../internal/Clock.js';
import { abortReason } from '../internal/sleep.js';
import { createInstrumentation } from '../telemetry/createInstrumentation.js';
import type { Instrumentation } from '../telemetry/Instrumentation.js';
import type { PoolMetrics } from '../telemetry/poolMetrics.js';
import { registerPoolMetrics } from '../telemetry/poolMetrics.js';
import { CheckoutPermits, type Permit } from './CheckoutPermits.js';
import { type DatabasePoolMetrics, type PoolCounters, emptyCounters } from './DatabasePoolMetrics.js';
import { Deadline, DeadlineExceeded, raceSignal } from './Deadline.js';
import type { DriverConnection, MysqlDriver } from './driver.js';
import { Lease, type LeaseOwner } from './Lease.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { PoolCheckoutError, type CheckoutFailureReason } from './PoolCheckoutError.js';
import { PoolGeneration, retiredGeneration } from './PoolGeneration.js';

/** Where a checkout was when its deadline passed: decides what the error says. */
type Stage = 'server' | 'permit' | 'connect' | 'validate';

/**
 * The machinery behind a DatabasePool: the ConnectionManager whose connection is the current
 * mysql2 pool (a PoolGeneration), the checkout queue, the counters, and `checkout()` itself.
 */
export class PoolCore implements LeaseOwner {
  readonly config: ResolvedPoolConfig;
  readonly manager: ConnectionManager<PoolGeneration>;
  readonly counters: PoolCounters = emptyCounters();
  readonly permits: CheckoutPermits;
  readonly leases = new Set<Lease>();
  readonly generations = new Set<PoolGeneration>();
  readonly closeController = new AbortController();
  readonly #driver: MysqlDriver;
  readonly #poolMetrics: PoolMetrics | undefined;
  readonly #drained = new Set<() => void>();
  /** Spans, metrics and log lines of statements and transactions. */
  readonly instrumentation: Instrumentation;
  #lastConnectError: unknown;
  #connectedOnce = false;

  constructor(config: ResolvedPoolConfig, driver: MysqlDriver) {
    this.config = config;
    this.#driver = driver;
    this.permits = new CheckoutPermits(config.connectionLimit, config.clock);
    // Every waiting checkout listens to it: hundreds may wait during an outage.
    setMaxListeners(0, this.closeController.signal);
    const { name: _name, ...target } = config.target;
    this.manager = new ConnectionManager<PoolGeneration>({
      name: config.name,
      connect: (signal) => this.#openGeneration(signal),
      disconnect: (generation) => {
        generation.retire();
      },
      retryDefaults: config.retry,
      classifier: config.classifier,
      target,
      connectTimeoutMs: config.connectTimeoutMs,
      clock: config.clock,
      random: config.random,
      ...config.telemetry,
      ...(config.circuitBreaker === undefined ? {} : { circuitBreaker: config.circuitBreaker }),
      ...(config.budget === undefined ? {} : { budget: config.budget }),
    });
    this.instrumentation = createInstrumentation(config.target, {
      ...config.telemetry,
      clock: config.clock,
    });
    this.#poolMetrics = registerPoolMetrics(
      config.telemetry.meter,
      config.name,
      () => this.metrics(),
      config.target,
    );
  }

  get clock(): Clock {
    return this.config.clock;
  }

  get classifier(): ErrorClassifier {
    return this.config.classifier;
  }

  get queryTimeoutMs(): number {
    return this.config.queryTimeoutMs;
  }

  returned(lease: Lease, usedMs: number): void {
    this.leases.delete(lease);
    this.#poolMetrics?.recordUseTime(usedMs);
    if (this.leases.size === 0) for (const resolve of this.#drained) resolve();
  }

  /** Resolves when no connection is checked out, or after `timeoutMs`. */
  whenDrained(timeoutMs: number): Promise<void> {
    if (this.leases.size === 0) return Promise.resolve();
    const { clock } = this.config;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clock.clearTimeout(timer);
        this.#drained.delete(done);
        resolve();
      };
      const timer = clock.setTimeout(done, timeoutMs);
      this.#drained.add(done);
    });
  }

  timedOut(): void {
    this.counters.queryTimeouts += 1;
  }

  metrics(): DatabasePoolMetrics {
    let size = 0;
    let idle = 0;
    for (const generation of this.generations) {
      size += generation.size;
      if (!generation.retired) idle += generation.idle;
    }
    return { ...this.counters, size, idle, used: this.leases.size, max: this.config.connectionLimit };
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
    const { clock, checkoutTimeoutMs } = this.config;
    const startedAt = clock.now();
    if (this.closeController.signal.aborted) throw abortReason(this.closeController.signal);
    const full = this.#refuseWhenFull(startedAt);
    if (full !== undefined) {
      this.counters.checkoutFailures += 1;
      throw full;
    }
    const deadline = new Deadline(checkoutTimeoutMs, clock, [signal, this.closeController.signal]);
    let stage: Stage = 'server';
    this.counters.pending += 1;
    try {
      for (;;) {
        stage = 'server';
        const generation = await this.#currentGeneration(deadline.signal, startedAt);
        stage = 'permit';
        const permit = await this.permits.acquire(deadline.signal);
        stage = 'connect';
        const lease = await this.#lend(generation, permit, deadline.signal, (next) => {
          stage = next;
        });
        if (lease === undefined) continue;
        const waited = clock.now() - startedAt;
        this.counters.checkouts += 1;
        this.counters.checkoutWaitMsTotal += waited;
        this.counters.checkoutWaitMsMax = Math.max(this.counters.checkoutWaitMsMax, waited);
        this.#poolMetrics?.recordWaitTime(waited);
        return lease;
      }
    } catch (error) {
      this.counters.checkoutFailures += 1;
      if (deadline.expired) {
        this.#poolMetrics?.recordTimeout();
        throw this.#deadlineError(stage, startedAt);
      }
      if (deadline.signal.aborted) throw abortReason(deadline.signal);
      throw error;
    } finally {
      this.counters.pending -= 1;
      deadline.dispose();
    }
  }

  /** Ends every generation: gracefully within `graceMs`, then by force. */
  async endAll(graceMs: number): Promise<void> {
    await Promise.all([...this.generations].map((generation) => generation.end(graceMs)));
    this.#poolMetrics?.unregister();
    this.instrumentation.close?.();
  }

  /** One try at a connection from `generation`; undefined means "start over". */
  async #lend(
    generation: PoolGeneration,
    permit: Permit,
    signal: AbortSignal,
    setStage: (stage: Stage) => void,
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
    const lease = new Lease(generation, connection, permit, this);
    this.leases.add(lease);
    if (!connection.alive) {
      this.counters.evictions += 1;
      lease.destroy();
      return undefined;
    }
    if (generation.idleFor(connection) > this.config.idleValidationMs) {
      setStage('validate');
      try {
        await raceSignal(lease.run('ping', '', undefined, 'PING', this.config.queryTimeoutMs), signal);
      } catch (error) {
        this.counters.evictions += 1;
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
      const verdict = this.config.classifier.classify(error, { attempt: 1, scope: 'connect' });
      if (!isRetryable(verdict)) throw error;
      this.#lastConnectError = error;
      this.counters.checkoutRetries += 1;
      this.manager.connectionLost(generation, error);
      return retiredGeneration;
    }
  }

  /** The connect or ping hung until the deadline: the server may be stalled; let the manager probe. */
  #suspect(generation: PoolGeneration, error: unknown): void {
    if (!(error instanceof DeadlineExceeded)) return;
    this.manager.connectionLost(generation, error);
  }

  async #currentGeneration(signal: AbortSignal, startedAt: number): Promise<PoolGeneration> {
    const state = this.manager.state;
    if (state.status === 'connected' && !state.connection.retired) return state.connection;
    try {
      return await this.manager.ready({ signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason as Error;
      if (error instanceof RetriesExhaustedError) {
        throw this.#failure('server-unreachable', startedAt, error.cause);
      }
      throw error;
    }
  }

  async #openGeneration(signal: AbortSignal): Promise<PoolGeneration> {
    const generation = new PoolGeneration(
      this.#driver,
      this.config.driverOptions,
      this.config.clock,
      this.counters,
      {
        connectionClosed: () => undefined,
        connectionOpened: (ms) => this.#poolMetrics?.recordCreateTime(ms),
      },
    );
    this.generations.add(generation);
    void generation.whenEnded.then(() => this.generations.delete(generation));
    const onAbort = (): void => {
      generation.retire();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const first = await generation.acquire();
      if (first === retiredGeneration) throw signal.reason as Error;
      try {
        await first.ping();
      } catch (error) {
        generation.destroy(first);
        throw error;
      }
      generation.release(first);
      if (this.#connectedOnce) this.counters.reconnects += 1;
      this.#connectedOnce = true;
      return generation;
    } catch (error) {
      this.#lastConnectError = error;
      generation.retire();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  #refuseWhenFull(startedAt: number): PoolCheckoutError | undefined {
    const { queueLimit, waitForConnections, connectionLimit } = this.config;
    if (this.permits.held < connectionLimit) return undefined;
    if (!waitForConnections) return this.#failure('pool-exhausted', startedAt, undefined, 0);
    if (queueLimit > 0 && this.#queued() >= queueLimit) {
      return this.#failure('queue-limit', startedAt, undefined, 0);
    }
    return undefined;
  }

  /** Checkouts under way beyond the free permits: those that will have to wait. */
  #queued(): number {
    const free = Math.max(0, this.config.connectionLimit - this.permits.held);
    return Math.max(0, this.counters.pending - free);
  }

  #deadlineError(stage: Stage, startedAt: number): PoolCheckoutError {
    const connected = this.manager.state.status === 'connected';
    const reason: CheckoutFailureReason =
      stage === 'permit' && connected ? 'pool-exhausted' : 'server-unreachable';
    return this.#failure(reason, startedAt, this.#lastKnownConnectError());
  }

  #lastKnownConnectError(): unknown {
    const state = this.manager.state;
    if (state.status === 'retrying') return state.error;
    if (state.status === 'failed') {
      return state.error instanceof RetriesExhaustedError ? state.error.cause : state.error;
    }
    return this.#lastConnectError;
  }

  /** `self`: 1 when the failing checkout is itself counted in `pending`. */
  #failure(
    reason: CheckoutFailureReason,
    startedAt: number,
    lastError?: unknown,
    self = 1,
  ): PoolCheckoutError {
    return new PoolCheckoutError({
      reason,
      pool: this.config.name,
      waitedMs: this.config.clock.now() - startedAt,
      checkedOut: this.leases.size,
      poolSize: this.config.connectionLimit,
      oldestHeldMs: this.permits.oldestHeldMs(),
      queued: Math.max(0, this.#queued() - self),
      queueLimit: this.config.queueLimit,
      ...(reason === 'server-unreachable' && lastError !== undefined ? { lastError } : {}),
    });
  }
}
