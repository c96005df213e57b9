import {
  type MonoTypeOperatorFunction,
  type Observable,
  type Subscription,
  defer,
  tap,
  throwError,
} from 'rxjs';
import { type Classification, fatal } from '../classify/Classification.js';
import { AbortedError } from '../errors/AbortedError.js';
import { type HookReporter, recordFailure, recordSuccess } from '../retry/guardedHooks.js';
import type { CircuitTicket } from '../retry/hooks.js';
import { recordDecision } from '../retry/recordDecision.js';
import type { RetryDecision, RetryStopCause } from '../retry/RetryDecision.js';
import { type ScheduledRetry, retryWithBackoff } from '../retry/retryWithBackoff.js';
import { scheduleWait } from '../internal/sleep.js';
import type { OperationTelemetry } from '../telemetry/Instrumentation.js';
import { holdfastAttributes, spanEventNames } from '../telemetry/names.js';
import { openConnection } from './openConnection.js';
import type { ProbeWatch } from './ProbeWatch.js';
import type { StatePublisher } from './StatePublisher.js';
import type { RetryContext } from './RetryContext.js';
import { toError } from './toError.js';

function noRestart(): void {
  // The pause between cycles has no signal, so it never fails; stop() cancels it.
}

/** What a `ConnectLoop` needs from its `ConnectionManager`. */
export interface ConnectLoopParams<C> extends RetryContext {
  readonly connectTimeoutMs: number;
  readonly connect: (signal: AbortSignal) => Promise<C>;
  readonly verify: ((connection: C, signal: AbortSignal) => Promise<unknown>) | undefined;
  readonly states: StatePublisher<C>;
  /** Closes a connection nobody will use; never throws. */
  readonly dispose: (connection: C) => void;
  /** The cycle connected (the state is already `connected`). */
  readonly connected: (connection: C) => void;
  /** Set once the manager is closed: the abort reason of an attempt cut short. */
  readonly closedError: () => Error | undefined;
  /** Watches waits after "nobody listening" for the server's return; undefined: no probing. */
  readonly probe: ProbeWatch | undefined;
}

const cancelled = fatal('holdfast: attempt cancelled by close() or a new cycle');

interface Cycle {
  readonly op: OperationTelemetry;
  readonly epoch: number;
  attempts: number;
  /** Why the cycle stopped, once it has. */
  stopCause: RetryStopCause | undefined;
}

/**
 * The reconnect loop of one manager as an RxJS pipeline: `defer(attempt)` piped through
 * `retryWithBackoff`, its waits on the manager's clock. One cycle at a time: starting one
 * ends the one before; each cycle is one `connect` operation in telemetry.
 *
 * States: each attempt enters `connecting {attempt}`, each scheduled retry `retrying {retry,
 * delayMs, error}` before its wait, then `connected` or `failed`.
 */
export class ConnectLoop<C> {
  readonly #params: ConnectLoopParams<C>;
  readonly #retry: MonoTypeOperatorFunction<C>;
  readonly #states: StatePublisher<C>;
  #epoch = 0;
  #cycle: Cycle | undefined;
  #loop: Subscription | undefined;
  #lastFailure: { error: unknown; classification: Classification } | undefined;
  #restartable = false;
  /** Counts attempts; `#startingAttempt` is the one begun in the current synchronous turn. */
  #attemptCount = 0;
  #startingAttempt = 0;
  /** Cancels the pause before a cycle started for calls still waiting, while one is due. */
  #cancelRestart: (() => void) | undefined;
  readonly #report: HookReporter = (callback, error) => {
    this.#states.emit({ type: 'callback-failed', callback, error });
  };

  constructor(params: ConnectLoopParams<C>) {
    this.#params = params;
    this.#states = params.states;
    const classifier = params.classifier;
    this.#retry = retryWithBackoff<C>(
      params.policy,
      {
        // The attempt already classified its error for telemetry and the breaker; reuse it.
        classify: (error, context) => {
          const last = this.#lastFailure;
          return last !== undefined && last.error === error
            ? last.classification
            : classifier.classify(error, context);
        },
      },
      {
        clock: params.clock,
        random: params.random,
        scope: 'connect',
        target: params.name,
        description: `Connecting to ${params.name}`,
        ...(params.budget && { budget: params.budget }),
        reportHookError: this.#report,
        onDecision: (decision) => {
          this.#onDecision(decision);
        },
        ...(params.probe && {
          wake: (retry: ScheduledRetry) => params.probe?.wake(retry),
        }),
      },
    );
  }

  /** Starts a cycle (ending a live one, whose wait or attempt is cancelled). */
  start(): void {
    this.stop(
      new AbortedError(`reconnect() started a new connect cycle for ${this.#params.name}.`),
    );
    const epoch = (this.#epoch += 1);
    const cycle: Cycle = {
      op: this.#params.instrumentation.operation(
        'connect',
        this.#params.name,
        this.#params.clock.now(),
      ),
      epoch,
      attempts: 0,
      stopCause: undefined,
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

  /**
   * Ends the live cycle, if any: its wait is cancelled, its attempt aborted, its operation ended
   * with `reason`. Whatever a late attempt opens afterwards is disposed (generation guard).
   */
  stop(reason: Error): void {
    this.#cancelRestart?.();
    this.#cancelRestart = undefined;
    this.#epoch += 1;
    const cycle = this.#cycle;
    if (cycle === undefined) return;
    this.#cycle = undefined;
    this.#loop?.unsubscribe();
    this.#loop = undefined;
    this.#lastFailure = undefined;
    cycle.op.fail(reason, cycle.attempts);
  }

  /**
   * Whether the last cycle that gave up may be followed by another for calls still within
   * their wait limit: it used up its retries (not `maxElapsedMs`, the budget or the breaker).
   */
  /** Whether the waits after `error` are probed (it found nobody listening). */
  probes(error: unknown): boolean {
    return this.#params.probe?.watches(error) === true;
  }

  get restartable(): boolean {
    return this.#restartable;
  }

  /**
   * Whether the attempt under way began in the current synchronous turn (before any of its I/O
   * could happen): a call arriving now counts it as begun after it arrived, as the 200 callers of
   * a herd that call `ready()` in one loop count the first attempt their first caller started.
   */
  get attemptJustStarted(): boolean {
    return this.#startingAttempt !== 0 && this.#startingAttempt === this.#attemptCount;
  }

  /** Adds a span event on the live cycle's `connect` operation; nothing between cycles. */
  event(name: string, attributes: Record<string, string | number | boolean>): void {
    this.#cycle?.op.event(name, attributes);
  }

  #attempt(cycle: Cycle): Observable<C> {
    const params = this.#params;
    const attempt = (cycle.attempts += 1);
    const started = (this.#attemptCount += 1);
    this.#startingAttempt = started;
    void Promise.resolve().then(() => {
      if (this.#startingAttempt === started) this.#startingAttempt = 0;
    });
    this.#states.set({ status: 'connecting', attempt });
    this.#states.emit({ type: 'attempt-started', attempt });
    const span = cycle.op.attempt(attempt, params.clock.now());
    let ticket: CircuitTicket | undefined;
    const cancelReason = (): Error =>
      params.closedError() ?? new AbortedError('A new connect cycle replaced this attempt.');
    const failed = (error: unknown): void => {
      const classification = params.classifier.classify(error, { attempt, scope: 'connect' });
      this.#lastFailure = { error, classification };
      recordFailure(ticket, error, classification, this.#report);
      span.fail(error, classification);
      this.#states.emit({ type: 'attempt-failed', attempt, error, classification });
    };
    try {
      ticket = params.breaker?.acquire();
    } catch (error) {
      // An open breaker ends the cycle: CircuitOpenError is fatal (docs/decisions).
      failed(error);
      return throwError(() => error);
    }
    // Inside the attempt's span, so that what a driver's own instrumentation records while
    // connecting (the ioredis `connect` span, the handshake's commands) nests under it.
    const run = span.run?.bind(span);
    return openConnection<C>({
      target: params.name,
      connect: run === undefined ? params.connect : (signal) => run(() => params.connect(signal)),
      verify: params.verify,
      dispose: params.dispose,
      timeoutMs: params.connectTimeoutMs,
      clock: params.clock,
      cancelReason,
    }).pipe(
      tap({
        next: () => {
          recordSuccess(ticket, params.budget, this.#report);
          span.succeed();
        },
        error: failed,
        // Cut short by close() or a new cycle: end the span, and free a half-open probe slot
        // (a fatal verdict is not counted against the target).
        unsubscribe: () => {
          const reason = cancelReason();
          recordFailure(ticket, reason, cancelled, this.#report);
          span.fail(reason, cancelled);
        },
      }),
    );
  }

  /** Every retry and the stop of the live cycle: its state, event and telemetry. */
  #onDecision(decision: RetryDecision): void {
    const cycle = this.#cycle;
    if (cycle === undefined) return;
    if (decision.type === 'retry') {
      const { retry, delayMs, error } = decision;
      const probing = this.#params.probe?.watches(error) === true;
      this.#states.set({
        status: 'retrying',
        retry,
        delayMs,
        error: toError(error),
        ...(probing && { probing }),
      });
      this.#states.emit({ type: 'retry-scheduled', retry, delayMs, error });
    } else {
      cycle.stopCause = decision.cause;
    }
    recordDecision(cycle.op, decision);
  }

  #onConnected(connection: C, cycle: Cycle): void {
    // Generation guard: a cycle superseded by close() or reconnect() keeps nothing it opened.
    if (cycle.epoch !== this.#epoch) {
      this.#params.dispose(connection);
      return;
    }
    this.#end();
    cycle.op.succeed(cycle.attempts);
    this.#states.set({ status: 'connected', connection, attempt: cycle.attempts });
    this.#states.emit({ type: 'connected', attempt: cycle.attempts, connection });
    this.#params.connected(connection);
  }

  #onGaveUp(error: unknown, cycle: Cycle): void {
    if (cycle.epoch !== this.#epoch) return;
    this.#end();
    const failure = toError(error);
    // Calls still within their wait limit outlive a cycle that used up its retries, not one
    // that `maxElapsedMs`, the breaker, the budget or a fatal error ended (ADR 0017).
    this.#restartable = cycle.stopCause === 'retries';
    this.#states.set({ status: 'failed', error: failure });
    this.#states.emit({ type: 'gave-up', error: failure, attempts: cycle.attempts });
    if (this.#restartable) this.#restartForWaiters();
  }

  /**
   * Calls still wait after a cycle used up its retries (those it failed have left the waiters:
   * the ones that saw the cycle from its first attempt, and those past their limit that saw an
   * attempt of their own fail): the next cycle starts after the base delay, so that each of them
   * gets attempts begun after it arrived (ADR 0019). A cycle started sooner (`ready()`,
   * `reconnect()`) or `close()` cancels it.
   */
  #restartForWaiters(): void {
    const waiting = this.#states.waiters.size;
    if (waiting === 0) return;
    const delayMs = this.#params.policy.baseDelayMs;
    this.#states.emit({ type: 'restart-scheduled', delayMs, waiting });
    const due = (): void => {
      this.#cancelRestart = undefined;
      const still = this.#states.waiters.size;
      if (this.#states.state.status !== 'failed' || still === 0) return;
      this.start();
      this.event(spanEventNames.cycleRestarted, {
        [holdfastAttributes.retryDelayMs]: delayMs,
        [holdfastAttributes.waitingCalls]: still,
      });
    };
    this.#cancelRestart = scheduleWait(delayMs, this.#params.clock, undefined, due, noRestart);
  }

  #end(): void {
    this.#cycle = undefined;
    this.#loop = undefined;
    this.#lastFailure = undefined;
  }
}
