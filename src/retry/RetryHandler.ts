import { backoffDelay } from '../backoff/exponentialBackoff.js';
import type { Classification, OperationScope } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { sleep } from '../internal/sleep.js';
import {
  type Instrumentation,
  type OperationKind,
  type OperationTelemetry,
  noopInstrumentation,
} from '../telemetry/Instrumentation.js';
import { describeError } from '../telemetry/redact.js';
import type { AttemptContext } from './AttemptContext.js';
import type { CircuitBreakerHook, RetryBudgetHook } from './hooks.js';
import { type RetryOptions, type RetryPolicy, mysqlRetryDefaults } from './RetryOptions.js';
import { resolveRetryPolicy } from './resolveRetryPolicy.js';

export interface RetryHandlerOptions extends RetryOptions {
  /** Name used in errors, spans and log lines. @default 'operation' */
  readonly name?: string;
  readonly classifier?: ErrorClassifier;
  readonly instrumentation?: Instrumentation;
  readonly budget?: RetryBudgetHook;
  readonly circuitBreaker?: CircuitBreakerHook;
  /** Defaults the options are merged over (environment or driver defaults). */
  readonly defaults?: RetryPolicy;
  readonly clock?: Clock;
  readonly random?: Random;
}

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
  /** @default 'execute' */
  readonly kind?: OperationKind;
  /** @default 'execute' */
  readonly scope?: OperationScope;
}

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
]);

/**
 * Runs a function, retrying what the classifier calls retryable with jittered exponential
 * backoff. The first attempt is immediate; after `maxRetries` retries the caller gets a
 * `RetriesExhaustedError` whose `cause` is the last error. A fatal error is thrown as it is.
 *
 * The happy path creates no span and reads no clock: telemetry starts when an attempt fails.
 *
 * @throws {RetriesExhaustedError} every allowed attempt failed, or the budget or deadline ended the loop
 * @throws {AbortedError} the caller's signal fired during a wait
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
  readonly #random: Random;

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
    this.#instrumentation = options.instrumentation ?? noopInstrumentation;
    this.#budget = options.budget;
    this.#breaker = options.circuitBreaker;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
  }

  execute<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    description: string = this.name,
    options?: ExecuteOptions,
  ): Promise<T> {
    if (
      this.#breaker !== undefined ||
      this.#budget !== undefined ||
      options?.signal !== undefined
    ) {
      return this.#loop(fn, description, options, undefined);
    }
    let result: T | PromiseLike<T>;
    try {
      result = fn(firstAttempt);
    } catch (error) {
      return this.#loop(fn, description, options, error);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(undefined, (error: unknown) =>
        this.#loop(fn, description, options, error),
      );
    }
    return Promise.resolve(result);
  }

  /** The delay before retry `retry` after an error of this classification. */
  delayFor(retry: number, previousDelayMs: number, classification: Classification): number {
    const delay = backoffDelay(retry, previousDelayMs, this.policy, this.#random);
    return classification.kind === 'throttled'
      ? Math.min(delay * this.policy.throttledDelayFactor, this.policy.maxDelayMs)
      : delay;
  }

  async #loop<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    description: string,
    options: ExecuteOptions | undefined,
    firstError: unknown,
  ): Promise<T> {
    const started = this.#clock.now();
    const signal = options?.signal;
    const scope = options?.scope ?? 'execute';
    const op = this.#instrumentation.operation(options?.kind ?? 'execute', description, started);
    let attempt = 1;
    let previousDelay = 0;
    let error: unknown = firstError;
    let attemptDone = firstError !== undefined;
    for (;;) {
      if (!attemptDone) {
        const outcome = await this.#attempt(fn, attempt, signal, op, scope);
        if (outcome.ok) {
          op.succeed(attempt);
          return outcome.value;
        }
        error = outcome.error;
      }
      attemptDone = false;
      const classification = this.classifier.classify(error, { attempt, scope });
      if (firstError !== undefined && attempt === 1)
        op.attempt(1, started).fail(error, classification);
      if (classification.kind === 'fatal') {
        op.fail(error, attempt);
        throw error;
      }
      const delay = this.delayFor(attempt, previousDelay, classification);
      const stop = this.#stopReason(attempt, delay, started, classification);
      if (stop !== undefined) {
        op.fail(error, attempt);
        throw this.#exhausted(description, attempt, error, stop);
      }
      op.retryScheduled(attempt, delay, error);
      await sleep(delay, signal, this.#clock);
      previousDelay = delay;
      attempt += 1;
    }
  }

  async #attempt<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    attempt: number,
    signal: AbortSignal | undefined,
    op: OperationTelemetry,
    scope: OperationScope,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const span = op.attempt(attempt);
    let ticket;
    try {
      ticket = this.#breaker?.acquire();
      const value = await fn(
        attempt === 1 && signal === undefined ? firstAttempt : { attempt, signal },
      );
      ticket?.success();
      this.#budget?.recordSuccess();
      span.succeed();
      return { ok: true, value };
    } catch (error) {
      const classification = this.classifier.classify(error, { attempt, scope });
      ticket?.failure(error, classification);
      span.fail(error, classification);
      return { ok: false, error };
    }
  }

  #stopReason(
    attempt: number,
    delay: number,
    started: number,
    classification: Classification,
  ): string | undefined {
    if (attempt > this.policy.maxRetries) return 'retries';
    const deadline = this.policy.maxElapsedMs;
    if (deadline !== undefined && this.#clock.now() + delay - started > deadline) return 'deadline';
    if (
      this.#budget &&
      classification.kind !== 'fatal' &&
      !this.#budget.tryRetry(classification.kind)
    ) {
      return 'budget';
    }
    return undefined;
  }

  #exhausted(
    description: string,
    attempts: number,
    error: unknown,
    stop: string,
  ): RetriesExhaustedError {
    const why =
      stop === 'retries'
        ? `after ${attempts - 1} retries`
        : stop === 'deadline'
          ? `within maxElapsedMs (${this.policy.maxElapsedMs}) after ${attempts} attempts`
          : `after ${attempts} attempts: the retry budget is spent`;
    return new RetriesExhaustedError(
      `${description} failed ${why}: ${describeError(error)}. Raise maxRetries or maxElapsedMs if the service needs longer to recover.`,
      { cause: error, attempts, target: this.name },
    );
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
