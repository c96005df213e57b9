import type { Observable, Subscription } from 'rxjs';
import { nominalScheduleMs } from '../backoff/nominalScheduleMs.js';
import { RetryBudget } from '../budget/RetryBudget.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { ClosedError } from '../errors/ClosedError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { waitsAreInstant } from '../internal/instantMode.js';
import { systemRandom } from '../internal/Random.js';
import type { AttemptContext } from '../retry/AttemptContext.js';
import type { HookReporter } from '../retry/guardedHooks.js';
import type { RetryBudgetHook } from '../retry/hooks.js';
import { RetryDecider } from '../retry/RetryDecider.js';
import { type RetryPolicy, mysqlRetryDefaults } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { createInstrumentation } from '../telemetry/createInstrumentation.js';
import type { Instrumentation } from '../telemetry/Instrumentation.js';
import type { ConnectionEvent } from './ConnectionEvent.js';
import type {
  ConnectionManagerOptions,
  ManagerExecuteOptions,
  ReadyOptions,
} from './ConnectionManagerOptions.js';
import type { ConnectionState } from './ConnectionState.js';
import { ConnectLoop } from './ConnectLoop.js';
import { ManagedExecution } from './ManagedExecution.js';
import { ProbeWatch } from './ProbeWatch.js';
import { StatePublisher } from './StatePublisher.js';
import { validateManagerOptions } from './validateManagerOptions.js';
import { readyRefusal, waitForOutcome } from './waitForOutcome.js';
import { watchLost } from './watchLost.js';
import { watchResilience } from './watchResilience.js';

/**
 * DEFAULT BUDGET (issue 7): each manager gets its own `RetryBudget` with the documented defaults
 * (maxTokens 10, tokenRatio 0.1, minRetriesPerSecond 10; docs/concepts/circuit-breaker-and-budget.md),
 * reading time from the manager's clock.
 */
const defaultBudget = (name: string, clock: Clock): RetryBudget => new RetryBudget({ name, clock });

const closed = Object.freeze({ status: 'closed' }) satisfies ConnectionState<never>;

/**
 * Owns one connection to one target and publishes its life as data (DESIGN.md "Connection
 * state"). One reconnect loop per target: every `ready()` caller, every lost connection and every
 * `execute` that needs a connection share it, so 200 waiting callers cost the attempts of one.
 * A new manager is `idle` and opens nothing until asked.
 *
 * The loop is an RxJS pipeline (`defer(attempt)` + `retryWithBackoff`) whose waits run on
 * `clock`; `execute` on a connected manager does not touch RxJS.
 *
 * @throws {ConfigurationError} (constructor) malformed options or retry options
 * @example
 * const manager = new ConnectionManager({
 *   name: 'mysql-main',
 *   connect: (signal) => openSocket({ signal }),
 *   disconnect: (socket) => socket.end(),
 * });
 * manager.state$.subscribe((state) => console.log(state.status));
 * const rows = await manager.execute((socket) => socket.query('SELECT 1'), { idempotent: true });
 * await manager.close();
 */
export class ConnectionManager<C> {
  /** The target's name, e.g. `mysql-main`. */
  readonly name: string;
  /** The resolved, frozen retry policy of the reconnect loop and of `execute`. */
  readonly policy: RetryPolicy;
  /** The current state, then every change; never errors; completes after `closed`. */
  readonly state$: Observable<ConnectionState<C>>;
  /** Attempts, retries, losses and state changes as they happen; completes when `close()` resolves. */
  readonly events$: Observable<ConnectionEvent<C>>;

  readonly #options: ConnectionManagerOptions<C>;
  readonly #states: StatePublisher<C>;
  readonly #clock: Clock;
  readonly #loop: ConnectLoop<C>;
  readonly #execution: ManagedExecution<C>;
  readonly #instrumentation: Instrumentation;
  /** The budget this manager made (and disposes on close); undefined when given or `false`. */
  readonly #ownBudget: RetryBudget | undefined;
  readonly #unwatchResilience: () => void;
  #lostWatch: Subscription | undefined;
  #closedError: ClosedError | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ConnectionManagerOptions<C>) {
    const connectTimeoutMs = validateManagerOptions(options as ConnectionManagerOptions<unknown>);
    this.#options = options;
    this.name = options.name;
    this.policy = resolveRetryPolicy(
      options.retry ?? {},
      options.retryDefaults ?? mysqlRetryDefaults,
      'ConnectionManager `retry` options',
    );
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    const instrumentation = createInstrumentation(
      { ...options.target, name: options.name },
      {
        ...(options.logger && { logger: options.logger }),
        ...(options.tracer && { tracer: options.tracer }),
        ...(options.meter && { meter: options.meter }),
        ...(options.clock && { clock: options.clock }),
      },
    );
    this.#instrumentation = instrumentation;
    const states = new StatePublisher<C>(this.name, (status, previous) => {
      instrumentation.stateChanged(status, previous);
    });
    this.#states = states;
    this.state$ = states.state$;
    this.events$ = states.events$;
    this.#ownBudget = options.budget === undefined ? defaultBudget(options.name, clock) : undefined;
    const budget: RetryBudgetHook | undefined =
      options.budget === false ? undefined : (options.budget ?? this.#ownBudget);
    const classifier = options.classifier ?? new ErrorClassifier();
    const random = options.random ?? systemRandom;
    const reportCallbackError: HookReporter = (callback, error) => {
      states.emit({ type: 'callback-failed', callback, error });
    };
    const shared = {
      name: this.name,
      policy: this.policy,
      classifier,
      breaker: options.circuitBreaker,
      budget,
      instrumentation,
      clock,
      random,
      decider: new RetryDecider({
        policy: this.policy,
        classifier,
        random,
        target: this.name,
        budget,
        reportHookError: reportCallbackError,
      }),
    };
    this.#loop = new ConnectLoop<C>({
      ...shared,
      connectTimeoutMs,
      connect: options.connect,
      verify: options.verify,
      states,
      dispose: (connection) => void this.#dispose(connection),
      connected: (connection) => {
        this.#watchLost(connection);
      },
      closedError: () => this.#closedError,
      probe: ProbeWatch.of(options, clock, {
        emit: (event) => {
          states.emit(event);
        },
        spanEvent: (name, attributes) => {
          this.#loop.event(name, attributes);
        },
      }),
    });
    this.#execution = new ManagedExecution<C>({
      ...shared,
      mapError: options.mapError,
      ready: (signal) => this.ready(signal === undefined ? undefined : { signal }),
      connectionLost: (connection, error) => {
        this.connectionLost(connection, error);
      },
      closedError: () => this.#closedError,
      reportCallbackError,
    });
    const loop = this.#loop;
    this.#unwatchResilience = watchResilience(options.circuitBreaker, budget, {
      instrumentation,
      event: (name, attributes) => {
        loop.event(name, attributes);
      },
    });
  }

  /** The current state (a snapshot; `state$` for changes). */
  get state(): ConnectionState<C> {
    return this.#states.state;
  }

  /**
   * Resolves with the connection once connected, starting the loop when `idle` or `failed`.
   * Every concurrent caller shares the same loop.
   *
   * @throws {RetriesExhaustedError} this cycle's attempts were used up (`cause` = last error)
   * @throws {ClosedError} the manager is or was closed while waiting
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed (the loop goes on for others)
   * @throws the fatal error itself (e.g. a wrong password), after one attempt
   */
  ready(options?: ReadyOptions): Promise<C> {
    const state = this.#states.state;
    if (state.status === 'connected') return Promise.resolve(state.connection);
    if (state.status === 'closed') return Promise.reject(this.#closedError ?? this.#closeError());
    const refusal = readyRefusal(options);
    if (refusal !== undefined) return Promise.reject(refusal);
    if (state.status === 'idle' || state.status === 'failed') this.#loop.start();
    return waitForOutcome(
      {
        name: this.name,
        state: this.#states.state,
        waiters: this.#states.waiters,
        clock: this.#clock,
        closedError: () => this.#closedError ?? this.#closeError(),
        waitLimitMs: waitsAreInstant()
          ? 0
          : (this.#options.waitLimitMs ?? nominalScheduleMs(this.policy)),
        mayRestart: () => this.#loop.restartable,
        attemptJustStarted: () => this.#loop.attemptJustStarted,
        probed: (error) => this.#loop.probes(error),
      },
      options,
    );
  }

  /**
   * Runs `fn` with the connection (waiting for one when needed). A retryable error that
   * happened before the request was sent (`isUnsent`) is retried after reconnecting; after it may
   * have reached the server only when `idempotent: true`; otherwise the caller gets an
   * `OutcomeUnknownError`. An error that killed the connection makes the manager reconnect.
   *
   * @throws {OutcomeUnknownError} a non-idempotent request may or may not have taken effect
   * @throws {RetriesExhaustedError} retries used up (`cause` = last error)
   * @throws {CircuitOpenError} the circuit breaker refused the call
   * @throws {ClosedError} / {AbortedError} the manager closed / the signal fired while waiting
   * @throws the fatal error itself, untouched
   */
  execute<T>(
    fn: (connection: C, context: AttemptContext) => T | PromiseLike<T>,
    options?: ManagerExecuteOptions,
  ): Promise<T> {
    const state = this.#states.state;
    return state.status === 'connected' && options?.signal === undefined
      ? this.#execution.runConnected(fn, state.connection, options)
      : this.#execution.runWhenReady(fn, options);
  }

  /**
   * A driver layer reports that `connection` (one this manager handed out) is dead: the manager
   * disposes it and reconnects at once (then with backoff). Ignored unless it is the current one.
   */
  connectionLost(connection: C, error?: unknown): void {
    const state = this.#states.state;
    if (state.status !== 'connected' || state.connection !== connection) return;
    this.#states.emit({ type: 'connection-lost', error });
    this.#unwatchLost();
    void this.#dispose(connection);
    this.#loop.start();
  }

  /**
   * Starts a new connect cycle now: from `idle` or `failed`; from `connected` (the connection is
   * disposed); from `retrying` (the wait is cut short). No effect while `connecting` or `closed`.
   */
  reconnect(): void {
    const state = this.#states.state;
    if (state.status === 'connecting' || state.status === 'closed') return;
    if (state.status === 'connected') {
      this.#unwatchLost();
      void this.#dispose(state.connection);
    }
    this.#loop.start();
  }

  /**
   * Closes the manager: pending `ready()` and waits reject with `ClosedError` at once, the
   * attempt in flight is aborted, the connection disposed; no timer or subscription is left.
   * Idempotent; resolves when the connection's `disconnect` has finished.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const state = this.#states.state;
    const error = this.#closeError();
    this.#closedError = error;
    this.#loop.stop(error);
    this.#unwatchLost();
    this.#execution.cancelWaits(error);
    this.#states.set(closed);
    this.#states.completeStates();
    this.#unwatchResilience();
    this.#ownBudget?.dispose();
    this.#instrumentation.close?.();
    const disposed =
      state.status === 'connected' ? this.#dispose(state.connection) : Promise.resolve();
    this.#closing = disposed.then(() => {
      this.#states.completeEvents();
    });
    return this.#closing;
  }

  #watchLost(connection: C): void {
    const lost = this.#options.lost;
    if (lost === undefined) return;
    try {
      this.#lostWatch = watchLost(lost, connection, (error) => {
        this.connectionLost(connection, error);
      });
    } catch (error) {
      this.#states.emit({ type: 'callback-failed', callback: 'lost', error });
    }
  }

  #unwatchLost(): void {
    this.#lostWatch?.unsubscribe();
    this.#lostWatch = undefined;
  }

  #dispose(connection: C): Promise<void> {
    const disconnect = this.#options.disconnect;
    if (disconnect === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      resolve(disconnect(connection));
    }).catch((error: unknown) => {
      this.#states.emit({ type: 'callback-failed', callback: 'disconnect', error });
    });
  }

  #closeError(): ClosedError {
    return new ClosedError(
      `ConnectionManager ${this.name} is closed; create a new one to connect again.`,
    );
  }
}
