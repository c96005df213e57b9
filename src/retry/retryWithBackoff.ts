import {
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
  asapScheduler,
  asyncScheduler,
  defer,
  merge,
  retry,
  take,
  throwError,
  timer,
} from 'rxjs';
import { backoffDelay } from '../backoff/exponentialBackoff.js';
import type {
  Classification,
  ClassifyContext,
  OperationScope,
} from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { waitsAreInstant } from '../internal/instantMode.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { describeError } from '../telemetry/redact.js';
import type { RetryBudgetHook } from './hooks.js';
import { type RetryOptions, type RetryPolicy, mysqlRetryDefaults } from './RetryOptions.js';
import { resolveRetryPolicy } from './resolveRetryPolicy.js';

/** Anything that classifies errors; an `ErrorClassifier` is one. */
export interface Classifies {
  classify(error: unknown, context: ClassifyContext): Classification;
}

/** A retry about to be waited for, as told to `onRetryScheduled`. */
export interface ScheduledRetry {
  /** 1 for the first retry (the second attempt). */
  readonly retry: number;
  /** The wait before it, ms (jitter applied). */
  readonly delayMs: number;
  readonly error: unknown;
  readonly classification: Classification;
}

export interface RetryWithBackoffOptions {
  /** Where the waits run. @default asyncScheduler (virtual time inside `TestScheduler.run`) */
  readonly scheduler?: SchedulerLike;
  /** Jitter source. @default Math.random */
  readonly random?: Random;
  /** Passed to the classifier (deadlocks are retryable only for `'transaction'`). @default 'connect' */
  readonly scope?: OperationScope;
  /** `RetriesExhaustedError.target`. @default 'operation' */
  readonly target?: string;
  /** Opens the `RetriesExhaustedError` message, e.g. `Connecting to mysql-main`. @default target */
  readonly description?: string;
  /** Asked before every retry; a refusal ends the loop with `RetriesExhaustedError`. */
  readonly budget?: RetryBudgetHook;
  /** Called once per retry, before the wait begins (state changes, events, log lines). */
  readonly onRetryScheduled?: (retry: ScheduledRetry) => void;
  /**
   * Something that ends the wait before `retry` early when it emits (the manager's probe of a
   * port nobody listened on); undefined: the wait runs its course.
   */
  readonly wake?: (retry: ScheduledRetry) => Observable<unknown> | undefined;
}

/**
 * An RxJS operator that resubscribes to its source after a retryable error, waiting the
 * reference design's jittered exponential backoff on `scheduler` (so `TestScheduler` marbles and
 * sinon fake timers drive it). Each subscription of the result is one independent loop.
 *
 * - a fatal error (by the classifier) is passed on as it is, after one attempt;
 * - after `maxRetries` retries, or when `maxElapsedMs` or the budget says stop, the error is a
 *   `RetriesExhaustedError` whose `cause` is the last error and `attempts` the count;
 * - a throttled error waits `throttledDelayFactor` times longer (capped at `maxDelayMs`).
 *
 * @param policy a resolved `RetryPolicy`, or `RetryOptions` merged over the MySQL defaults
 * @param classifier @default a new `ErrorClassifier()` (unknown errors are fatal)
 * @throws {ConfigurationError} (at call time) malformed options
 * @example
 * const connection$ = defer(() => connect()).pipe(
 *   retryWithBackoff({ maxRetries: 3, baseDelayMs: 500 }, new ErrorClassifier()),
 * );
 */
export function retryWithBackoff<T>(
  policy: RetryPolicy | RetryOptions,
  classifier: Classifies = new ErrorClassifier(),
  options: RetryWithBackoffOptions = {},
): MonoTypeOperatorFunction<T> {
  // A resolved policy carries `maxElapsedMs: undefined`; as options that key means "not given".
  const given = Object.fromEntries(
    Object.entries(policy).filter(([, value]) => value !== undefined),
  ) as RetryOptions;
  const resolved = resolveRetryPolicy(given, mysqlRetryDefaults, 'retryWithBackoff policy');
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? systemRandom;
  const scope = options.scope ?? 'connect';
  const target = options.target ?? 'operation';
  const description = options.description ?? target;
  const { budget, onRetryScheduled, wake } = options;

  return (source: Observable<T>) =>
    defer(() => {
      const started = scheduler.now();
      let previousDelay = 0;
      return source.pipe(
        retry({
          delay: (error: unknown, attempt: number) => {
            const classification = classifier.classify(error, { attempt, scope });
            if (classification.kind === 'fatal') return throwError(() => error);
            let delay = backoffDelay(attempt, previousDelay, resolved, random);
            if (classification.kind === 'throttled') {
              delay = Math.min(delay * resolved.throttledDelayFactor, resolved.maxDelayMs);
            }
            const stop = stopReason(attempt, delay, scheduler.now() - started, classification);
            if (stop !== undefined) {
              return throwError(() => exhausted(stop, attempt, error));
            }
            previousDelay = delay;
            const scheduled = { retry: attempt, delayMs: delay, error, classification };
            onRetryScheduled?.(scheduled);
            // instantRetries(): no timer at all (a microtask), so users' fake clocks need no tick.
            if (waitsAreInstant()) return timer(0, asapScheduler);
            const early = wake?.(scheduled);
            const wait = timer(delay, scheduler);
            // Whichever emits first ends the wait; the other is unsubscribed (a probe aborted).
            return early === undefined ? wait : merge(wait, early).pipe(take(1));
          },
        }),
      );
    });

  function stopReason(
    attempt: number,
    delay: number,
    elapsed: number,
    classification: Classification & { kind: 'transient' | 'throttled' },
  ): string | undefined {
    if (attempt > resolved.maxRetries) return `after ${attempt - 1} retries`;
    const deadline = resolved.maxElapsedMs;
    if (deadline !== undefined && elapsed + delay > deadline) {
      return `within maxElapsedMs (${deadline}) after ${attempt} attempts`;
    }
    // Asked last: a yes spends a token, which must not be wasted on a loop that stops anyway.
    if (budget !== undefined && !budget.tryRetry(classification.kind)) {
      return `after ${attempt} attempts: the retry budget is spent`;
    }
    return undefined;
  }

  function exhausted(stop: string, attempts: number, error: unknown): RetriesExhaustedError {
    return new RetriesExhaustedError(
      `${description} failed ${stop}: ${describeError(error)}. Raise maxRetries or maxElapsedMs if the service needs longer to recover.`,
      { cause: error, attempts, target },
    );
  }
}
