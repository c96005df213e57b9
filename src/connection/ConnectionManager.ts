import {
  BehaviorSubject,
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
  Subject,
  Subscription,
  asyncScheduler,
  defer,
  tap,
  throwError,
} from 'rxjs';
import type { Classification } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { AbortedError } from '../errors/AbortedError.js';
import { ClosedError } from '../errors/ClosedError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { systemRandom } from '../internal/Random.js';
import type { AttemptContext } from '../retry/AttemptContext.js';
import type { CircuitBreakerHook, CircuitTicket, RetryBudgetHook } from '../retry/hooks.js';
import { type RetryPolicy, mysqlRetryDefaults } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { type Classifies, type ScheduledRetry, retryWithBackoff } from '../retry/retryWithBackoff.js';
import { createInstrumentation } from '../telemetry/createInstrumentation.js';
import type { Instrumentation, OperationTelemetry } from '../telemetry/Instrumentation.js';
import { clockScheduler } from './clockScheduler.js';
import type { ConnectionEvent } from './ConnectionEvent.js';
import type {
  ConnectionManagerOptions,
  ManagerExecuteOptions,
  ReadyOptions,
} from './ConnectionManagerOptions.js';
import type { ConnectionState } from './ConnectionState.js';
import { ManagedExecution } from './ManagedExecution.js';
import { openConnection } from './openConnection.js';
import { toError } from './toError.js';
import { transition } from './transition.js';
import { validateManagerOptions } from './validateManagerOptions.js';
import { type Waiter, waitForOutcome } from './waitForOutcome.js';

// DEFAULT BUDGET (issue 7): the one line that builds the default retry budget; none until RetryBudget lands.
const defaultBudget = (): RetryBudgetHook | undefined => undefined;

const idle = Object.freeze({ status: 'idle' }) satisfies ConnectionState<never>;
const closed = Object.freeze({ status: 'closed' }) satisfies ConnectionState<never>;

interface Cycle {
  readonly op: OperationTelemetry;
  readonly epoch: number;
  attempts: number;
}

/**
 * Owns one connection to one target and publishes its life as data (DESIGN.md "Connection
 * state"). One reconnect loop per target: every `ready()` caller, every lost connection and every
 * `execute` that needs a connection share it, so 200 waiting callers cost the attempts of one.
 * A new manager is `idle` and opens nothing until asked.
 *
 * The loop is an RxJS pipeline (`defer(attempt)` + `retryWithBackoff`) whose waits run on
 * `scheduler`; `execute` on a connected manager does not touch RxJS.
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
  /** Attempts, retries, losses and state changes as they happen; completes after `closed`. */
  readonly events$: Observable<ConnectionEvent<C>>;

  readonly #options: ConnectionManagerOptions<C>;
  readonly #subject = new BehaviorSubject<ConnectionState<C>>(idle);
  readonly #events = new Subject<ConnectionEvent<C>>();
  readonly #classifier: ErrorClassifier;
  readonly #breaker: CircuitBreakerHook | undefined;
  readonly #budget: RetryBudgetHook | undefined;
  readonly #instrumentation: Instrumentation;
  readonly #scheduler: SchedulerLike;
  readonly #connectTimeoutMs: number;
  readonly #retry: MonoTypeOperatorFunction<C>;
  readonly #execution: ManagedExecution<C>;
  readonly #waiters = new Set<Waiter<C>>();
  readonly #outbox: (() => void)[] = [];
  #draining = false;
  #state: ConnectionState<C> = idle;
  #epoch = 0;
  #cycle: Cycle | undefined;
  #loop: Subscription | undefined;
  #lostWatch: Subscription | undefined;
  #lastFailure: { error: unknown; classification: Classification } | undefined;
  #closedError: ClosedError | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ConnectionManagerOptions<C>) {
    this.#connectTimeoutMs = validateManagerOptions(options as ConnectionManagerOptions<unknown>);
    this.#options = options;
    this.name = options.name;
    this.policy = resolveRetryPolicy(
      options.retry ?? {},
      options.retryDefaults ?? mysqlRetryDefaults,
      'ConnectionManager `retry` options',
    );
    this.#classifier = options.classifier ?? new ErrorClassifier();
    this.#breaker = options.circuitBreaker;
    this.#budget = options.budget === false ? undefined : (options.budget ?? defaultBudget());
    this.#scheduler =
      options.scheduler ??
      (options.clock === undefined ? asyncScheduler : clockScheduler(options.clock));
    this.#instrumentation = createInstrumentation(
      { ...options.target, name: options.name },
      {
        ...(options.logger && { logger: options.logger }),
        ...(options.tracer && { tracer: options.tracer }),
        ...(options.meter && { meter: options.meter }),
      },
    );
    const classifyOnce: Classifies = {
      // The attempt already classified its error for telemetry and the breaker; reuse it.
      classify: (error, context) =>
        this.#lastFailure?.error === error
          ? this.#lastFailure.classification
          : this.#classifier.classify(error, context),
    };
    this.#retry = retryWithBackoff<C>(this.policy, classifyOnce, {
      scheduler: this.#scheduler,
      random: options.random ?? systemRandom,
      scope: 'connect',
      target: this.name,
      description: `Connecting to ${this.name}`,
      ...(this.#budget && { budget: this.#budget }),
      onRetryScheduled: (retry) => {
        this.#onRetryScheduled(retry);
      },
    });
    this.#execution = new ManagedExecution<C>({
      name: this.name,
      policy: this.policy,
      classifier: this.#classifier,
      breaker: this.#breaker,
      budget: this.#budget,
      instrumentation: this.#instrumentation,
      scheduler: this.#scheduler,
      random: options.random ?? systemRandom,
      ready: (signal) => this.ready(signal === undefined ? undefined : { signal }),
      connectionLost: (connection, error) => {
        this.connectionLost(connection, error);
      },
      closedError: () => this.#closedError,
      reportCallbackError: (callback, error) => {
        this.#emit({ type: 'callback-failed', callback, error });
      },
    });
    this.state$ = this.#subject.asObservable();
    this.events$ = this.#events.asObservable();
  }

  /** The current state (a snapshot; `state$` for changes). */
  get state(): ConnectionState<C> {
    return this.#state;
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
    const state = this.#state;
    if (state.status === 'connected') return Promise.resolve(state.connection);
    if (state.status === 'closed') return Promise.reject(this.#closedError ?? this.#closeError());
    if (state.status === 'idle' || state.status === 'failed') this.#startCycle();
    return waitForOutcome(this.#state, this.#waiters, this.#scheduler, this.name, options);
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
    const state = this.#state;
    return state.status === 'connected' && options?.signal === undefined
      ? this.#execution.runConnected(fn, state.connection, options)
      : this.#execution.runWhenReady(fn, options);
  }

  /**
   * A driver layer reports that `connection` (one this manager handed out) is dead: the manager
   * disposes it and reconnects at once (then with backoff). Ignored unless it is the current one.
   */
  connectionLost(connection: C, error?: unknown): void {
    const state = this.#state;
    if (state.status !== 'connected' || state.connection !== connection) return;
    this.#unwatchLost();
    void this.#dispose(connection);
    this.#startCycle();
    this.#emit({ type: 'connection-lost', error });
  }

  /**
   * Starts a new connect cycle now: from `idle` or `failed`; from `connected` (the connection is
   * disposed); from `retrying` (the wait is cut short). No effect while `connecting` or `closed`.
   */
  reconnect(): void {
    const state = this.#state;
    if (state.status === 'connecting' || state.status === 'closed') return;
    if (state.status === 'connected') {
      this.#unwatchLost();
      void this.#dispose(state.connection);
    }
    this.#startCycle();
  }

  /**
   * Closes the manager: pending `ready()` and waits reject with `ClosedError` at once, the
   * attempt in flight is aborted, the connection disposed; no timer or subscription is left.
   * Idempotent; resolves when the connection's `disconnect` has finished.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const state = this.#state;
    const error = this.#closeError();
    this.#closedError = error;
    this.#epoch += 1;
    this.#stopCycle(error);
    this.#unwatchLost();
    this.#execution.cancelWaits(error);
    this.#setState(closed);
    this.#post(() => {
      this.#subject.complete();
      this.#events.complete();
    });
    this.#closing = state.status === 'connected' ? this.#dispose(state.connection) : Promise.resolve();
    return this.#closing;
  }

  #startCycle(): void {
    this.#stopCycle(
      new AbortedError(`reconnect() started a new connect cycle for ${this.name}.`),
    );
    const epoch = (this.#epoch += 1);
    const cycle: Cycle = {
      op: this.#instrumentation.operation('connect', this.name, this.#scheduler.now()),
      epoch,
      attempts: 0,
    };
    this.#cycle = cycle;
    const loop = defer(() => this.#attempt(cycle))
      .pipe(this.#retry)
      .subscribe({
        next: (connection) => {
          this.#onConnected(connection, cycle);
        },
        error: (error: unknown) => {
          this.#onGaveUp(error, cycle);
        },
      });
    if (this.#cycle === cycle) this.#loop = loop;
  }

  /** Ends a live cycle (close, or a reconnect superseding it): its wait or attempt is cancelled. */
  #stopCycle(reason: Error): void {
    const cycle = this.#cycle;
    if (cycle === undefined) return;
    this.#cycle = undefined;
    this.#loop?.unsubscribe();
    this.#loop = undefined;
    cycle.op.fail(reason, cycle.attempts);
  }

  #attempt(cycle: Cycle): Observable<C> {
    const attempt = (cycle.attempts += 1);
    this.#setState({ status: 'connecting', attempt });
    this.#emit({ type: 'attempt-started', attempt });
    const span = cycle.op.attempt(attempt, this.#scheduler.now());
    let ticket: CircuitTicket | undefined;
    const failed = (error: unknown): void => {
      const classification = this.#classifier.classify(error, { attempt, scope: 'connect' });
      this.#lastFailure = { error, classification };
      if (ticket !== undefined) this.#hook('circuitBreaker', () => ticket?.failure(error, classification));
      span.fail(error, classification);
      this.#emit({ type: 'attempt-failed', attempt, error, classification });
    };
    try {
      ticket = this.#breaker?.acquire();
    } catch (error) {
      // An open breaker ends the cycle: CircuitOpenError is fatal (docs/decisions/0002).
      failed(error);
      return throwError(() => error);
    }
    return openConnection<C>({
      target: this.name,
      connect: this.#options.connect,
      verify: this.#options.verify,
      dispose: (connection) => void this.#dispose(connection),
      timeoutMs: this.#connectTimeoutMs,
      scheduler: this.#scheduler,
      cancelReason: () =>
        this.#closedError ?? new AbortedError(`A new connect cycle replaced this attempt.`),
    }).pipe(
      tap({
        next: () => {
          if (ticket !== undefined) this.#hook('circuitBreaker', () => ticket?.success());
          if (this.#budget !== undefined) this.#hook('budget', () => this.#budget?.recordSuccess());
          span.succeed();
        },
        error: failed,
      }),
    );
  }

  #onRetryScheduled({ retry, delayMs, error }: ScheduledRetry): void {
    this.#setState({ status: 'retrying', retry, delayMs, error: toError(error) });
    this.#emit({ type: 'retry-scheduled', retry, delayMs, error });
    this.#cycle?.op.retryScheduled(retry, delayMs, error);
  }

  #onConnected(connection: C, cycle: Cycle): void {
    if (this.#cycle !== cycle) {
      void this.#dispose(connection);
      return;
    }
    this.#cycle = undefined;
    this.#loop = undefined;
    this.#lastFailure = undefined;
    cycle.op.succeed(cycle.attempts);
    this.#setState({ status: 'connected', connection, attempt: cycle.attempts });
    this.#emit({ type: 'connected', attempt: cycle.attempts, connection });
    this.#watchLost(connection);
  }

  #onGaveUp(error: unknown, cycle: Cycle): void {
    if (this.#cycle !== cycle) return;
    this.#cycle = undefined;
    this.#loop = undefined;
    this.#lastFailure = undefined;
    cycle.op.fail(error instanceof RetriesExhaustedError ? error.cause : error, cycle.attempts);
    const failure = toError(error);
    this.#setState({ status: 'failed', error: failure });
    this.#emit({ type: 'gave-up', error: failure, attempts: cycle.attempts });
  }

  #watchLost(connection: C): void {
    const lost = this.#options.lost;
    if (lost === undefined) return;
    const watch = new Subscription();
    this.#lostWatch = watch;
    const report = (error?: unknown): void => {
      this.connectionLost(connection, error);
    };
    try {
      // A source that fires during subscribe closes `watch` first; `add` then tears it down.
      watch.add(lost(connection).subscribe({ next: () => report(), error: report, complete: report }));
    } catch (error) {
      this.#emit({ type: 'callback-failed', callback: 'lost', error });
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
      this.#emit({ type: 'callback-failed', callback: 'disconnect', error });
    });
  }

  #setState(next: ConnectionState<C>): void {
    const previous = this.#state;
    this.#state = transition(previous, next, this.name);
    for (const waiter of this.#waiters) waiter(next);
    this.#instrumentation.stateChanged(next.status, previous.status);
    this.#emit({ type: 'state-changed', state: next, previous });
    this.#post(() => {
      this.#subject.next(next);
    });
  }

  #emit(event: ConnectionEvent<C>): void {
    if (this.#events.observed) this.#post(() => this.#events.next(event));
  }

  /**
   * Delivers notifications in order even when a subscriber calls back into the manager: a
   * change made from inside a notification is queued behind the one being delivered.
   */
  #post(notify: () => void): void {
    this.#outbox.push(notify);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#outbox.shift(); next !== undefined; next = this.#outbox.shift()) next();
    } finally {
      this.#draining = false;
    }
  }

  #hook(callback: 'circuitBreaker' | 'budget', fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#emit({ type: 'callback-failed', callback, error });
    }
  }

  #closeError(): ClosedError {
    return new ClosedError(
      `ConnectionManager ${this.name} is closed; create a new one to connect again.`,
    );
  }
}
