import type { Classification, OperationScope } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { abortReason, sleep } from '../internal/sleep.js';
import {
  type Instrumentation,
  type OperationKind,
  type OperationTelemetry,
  noopInstrumentation,
} from '../telemetry/Instrumentation.js';
import { createInstrumentation } from '../telemetry/createInstrumentation.js';
import { errorType } from '../telemetry/errorAttributes.js';
import { holdfastAttributes, spanEventNames } from '../telemetry/names.js';
import { semconvAttributes } from '../telemetry/semconv.js';
import type { TelemetryOptions } from '../telemetry/TelemetryOptions.js';
import type { AttemptContext } from './AttemptContext.js';
import { type HookReporter, recordFailure, recordSuccess } from './guardedHooks.js';
import type { CircuitBreakerHook, CircuitTicket, RetryBudgetHook } from './hooks.js';
import { recordDecision } from './recordDecision.js';
import { RetryDecider } from './RetryDecider.js';
import { type RetryOptions, type RetryPolicy, mysqlRetryDefaults } from './RetryOptions.js';
import { resolveRetryPolicy } from './resolveRetryPolicy.js';

export interface RetryHandlerOptions extends RetryOptions, TelemetryOptions {
  /** Name used in errors, spans and log lines. @default 'operation' */
  readonly name?: string;
  /** @default a new ErrorClassifier() with the MySQL and Redis tables */
  readonly classifier?: ErrorClassifier;
  /**
   * Where spans, metrics and log lines go. @default built from `logger`, `tracer` and `meter`
   *   when any is given (spans named after `name`); otherwise none (the hot path stays free)
   */
  readonly instrumentation?: Instrumentation;
  /** Asked before every retry; a refusal ends the loop with RetriesExhaustedError. */
  readonly budget?: RetryBudgetHook;
  /** Asked before every attempt; its CircuitOpenError is thrown as it is. */
  readonly circuitBreaker?: CircuitBreakerHook;
  /** Defaults the options are merged over (environment or driver defaults). @default mysqlRetryDefaults */
  readonly defaults?: RetryPolicy;
  readonly clock?: Clock;
  readonly random?: Random;
}

export interface ExecuteOptions {
  /** Ends a wait at once with AbortedError; checked before every attempt, passed to `fn`. */
  readonly signal?: AbortSignal;
  /**
   * The operation's kind in telemetry. `'execute'` and `'checkout'` open their telemetry only
   * when an attempt fails (the hot path allocates nothing); `'connect'`, `'verify'` and
   * `'transaction'` open it before the first attempt, so the reference log lines
   * ("Attempting to connect to X") appear. @default 'execute'
   */
  readonly kind?: OperationKind;
  /** Where errors are classified (deadlocks retry only for a whole transaction). @default 'execute' */
  readonly scope?: OperationScope;
}

type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown; readonly classification: Classification };

const firstAttempt: AttemptContext = Object.freeze({ attempt: 1, signal: undefined });
const handlerKeys = new Set([
  'name',
  'classifier',
  'instrumentation',
  'budget',
  'circuitBreaker',
  'defaults',
  'clock',
  'random',
  'logger',
  'tracer',
  'meter',
]);

/**
 * Runs a function, retrying what the classifier calls retryable with jittered exponential
 * backoff. The first attempt is immediate; retry n waits `backoffDelay(n)` (times
 * `throttledDelayFactor` after a throttled error, capped at `maxDelayMs`). After `maxRetries`
 * retries the caller gets a `RetriesExhaustedError` whose `cause` is the last error and
 * `attempts` is `maxRetries + 1`. A fatal error is thrown as it is, after that one attempt.
 *
 * Without breaker, budget or signal the first attempt runs outside the loop: no span, no
 * promise beyond the caller's, and the clock is read only when telemetry or `maxElapsedMs`
 * needs the start time; telemetry opens when that attempt fails.
 *
 * @throws {RetriesExhaustedError} every allowed attempt failed, or the budget or deadline ended the loop
 * @throws {AbortedError} the caller's signal fired before an attempt or during a wait
 * @throws {CircuitOpenError} the circuit breaker refused an attempt
 * @example
 * const handler = new RetryHandler({ maxRetries: 3, baseDelayMs: 100 });
 * const rows = await handler.execute(() => fetchRows(), 'fetch rows');
 */
export class RetryHandler {
  readonly policy: RetryPolicy;
  readonly name: string;
  readonly classifier: ErrorClassifier;
  readonly #instrumentation: Instrumentation;
  readonly #budget: RetryBudgetHook | undefined;
  readonly #breaker: CircuitBreakerHook | undefined;
  readonly #clock: Clock;
  readonly #decider: RetryDecider;
  /** No breaker and no budget: a first attempt may run outside the loop. */
  readonly #direct: boolean;
  /** Someone needs the start time of a direct first attempt: telemetry or a deadline. */
  readonly #timed: boolean;

  /** @throws {ConfigurationError} an unknown, malformed or out-of-range retry option */
  constructor(options: RetryHandlerOptions = {}) {
    const retryOnly: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (!handlerKeys.has(key)) retryOnly[key] = value;
    }
    this.policy = resolveRetryPolicy(
      retryOnly,
      options.defaults ?? mysqlRetryDefaults,
      'RetryHandler options',
    );
    this.name = options.name ?? 'operation';
    this.classifier = options.classifier ?? new ErrorClassifier();
    this.#instrumentation = options.instrumentation ?? instrumentationFor(this.name, options);
    this.#budget = options.budget;
    this.#breaker = options.circuitBreaker;
    this.#clock = options.clock ?? systemClock;
    this.#decider = new RetryDecider({
      policy: this.policy,
      classifier: this.classifier,
      random: options.random ?? systemRandom,
      target: this.name,
      budget: this.#budget,
    });
    this.#direct = this.#breaker === undefined && this.#budget === undefined;
    this.#timed =
      this.#instrumentation !== noopInstrumentation || this.policy.maxElapsedMs !== undefined;
  }

  /**
   * Runs `fn` until it succeeds, fails fatally, or the policy gives up.
   *
   * @param fn one attempt; told its number and the signal (pass it on to the driver)
   * @param description names the operation in errors, spans and log lines @default this.name
   */
  execute<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    description: string = this.name,
    options?: ExecuteOptions,
  ): Promise<T> {
    if (!this.#direct || (options !== undefined && !isDirect(options))) {
      return this.#loop(fn, description, options, this.#clock.now(), undefined);
    }
    const started = this.#timed ? this.#clock.now() : undefined;
    let result: T | PromiseLike<T>;
    try {
      result = fn(firstAttempt);
    } catch (error) {
      return this.#loop(fn, description, options, started, { error });
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(undefined, (error: unknown) =>
        this.#loop(fn, description, options, started, { error }),
      );
    }
    return Promise.resolve(result);
  }

  /** The delay (ms) before retry `retry` (1, 2, ...) after an error of this classification. */
  delayFor(retry: number, previousDelayMs: number, classification: Classification): number {
    return this.#decider.delayFor(retry, previousDelayMs, classification);
  }

  /**
   * The retry loop: its mechanics only (attempts, waits, telemetry calls); every decision is the
   * `RetryDecider`'s. `first` is the failure of a first attempt that already ran outside the
   * loop (its telemetry is opened late, back-dated to `startedAt` when that was read).
   */
  async #loop<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    description: string,
    options: ExecuteOptions | undefined,
    startedAt: number | undefined,
    first: { readonly error: unknown } | undefined,
  ): Promise<T> {
    const started = startedAt ?? this.#clock.now();
    const signal = options?.signal;
    const scope = options?.scope ?? 'execute';
    const op = this.#instrumentation.operation(options?.kind ?? 'execute', description, started);
    const report: HookReporter = (callback, error) => {
      op.event(spanEventNames.callbackFailed, {
        [holdfastAttributes.callback]: callback,
        [semconvAttributes.errorType]: errorType(error),
      });
    };
    let outcome: Outcome<T>;
    if (first === undefined) {
      outcome = await this.#attempt(fn, 1, signal, op, scope, report);
    } else {
      const classification = this.classifier.classify(first.error, { attempt: 1, scope });
      op.attempt(1, startedAt).fail(first.error, classification);
      outcome = { ok: false, error: first.error, classification };
    }
    let previousDelay = 0;
    for (let attempt = 1; ; attempt++) {
      if (outcome.ok) {
        op.succeed(attempt);
        return outcome.value;
      }
      const decision = this.#decider.decide({
        error: outcome.error,
        classification: outcome.classification,
        attempt,
        elapsedMs: this.#clock.now() - started,
        previousDelayMs: previousDelay,
        scope,
        subject: description,
        signal,
        reportHookError: report,
      });
      recordDecision(op, decision);
      if (decision.type === 'stop') throw decision.thrown;
      try {
        await sleep(decision.delayMs, signal, this.#clock);
      } catch (abort) {
        op.fail(abort, attempt);
        throw abort;
      }
      previousDelay = decision.delayMs;
      outcome = await this.#attempt(fn, attempt + 1, signal, op, scope, report);
    }
  }

  async #attempt<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    attempt: number,
    signal: AbortSignal | undefined,
    op: OperationTelemetry,
    scope: OperationScope,
    report: HookReporter,
  ): Promise<Outcome<T>> {
    // An abort before an attempt (or in the gap after a wait) means no further attempt.
    if (signal?.aborted) {
      const error = abortReason(signal);
      op.fail(error, attempt - 1);
      throw error;
    }
    const span = op.attempt(attempt);
    let ticket: CircuitTicket | undefined;
    let value: T;
    try {
      ticket = this.#breaker?.acquire();
      value = await fn(attempt === 1 && signal === undefined ? firstAttempt : { attempt, signal });
    } catch (error) {
      const classification = this.classifier.classify(error, { attempt, scope });
      recordFailure(ticket, error, classification, report);
      span.fail(error, classification);
      return { ok: false, error, classification };
    }
    recordSuccess(ticket, this.#budget, report);
    span.succeed();
    return { ok: true, value };
  }
}

function instrumentationFor(name: string, options: TelemetryOptions): Instrumentation {
  const { logger, tracer, meter } = options;
  if (logger === undefined && tracer === undefined && meter === undefined) {
    return noopInstrumentation;
  }
  return createInstrumentation(
    { name },
    { ...(logger && { logger }), ...(tracer && { tracer }), ...(meter && { meter }) },
  );
}

function isDirect(options: ExecuteOptions): boolean {
  const kind = options.kind;
  return (
    options.signal === undefined &&
    (kind === undefined || kind === 'execute' || kind === 'checkout')
  );
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
