import {
  type MonoTypeOperatorFunction,
  type Observable,
  defer,
  merge,
  retry,
  take,
  throwError,
} from 'rxjs';
import type { Classification, OperationScope } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { wait$ } from '../internal/sleep.js';
import type { HookReporter } from './guardedHooks.js';
import type { RetryBudgetHook } from './hooks.js';
import { type Classifies, RetryDecider } from './RetryDecider.js';
import type { RetryDecision } from './RetryDecision.js';
import { type RetryOptions, type RetryPolicy, mysqlRetryDefaults } from './RetryOptions.js';
import { resolveRetryPolicy } from './resolveRetryPolicy.js';

export type { Classifies } from './RetryDecider.js';

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
  /** Reads time (for `maxElapsedMs`) and runs the waits. @default systemClock (sinon fake timers drive it) */
  readonly clock?: Clock;
  /** Ends the loop at once (during a wait too) with `AbortedError`: no further attempt. */
  readonly signal?: AbortSignal;
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
  /** Told when the budget throws; the budget then counts as a yes. */
  readonly reportHookError?: HookReporter;
  /** Called once per retry, before the wait begins (state changes, events, log lines). */
  readonly onRetryScheduled?: (retry: ScheduledRetry) => void;
  /** Called with every decision of the loop (each retry, and the stop), before it takes effect. */
  readonly onDecision?: (decision: RetryDecision) => void;
  /**
   * Something that ends the wait before `retry` early when it emits (the manager's probe of a
   * port nobody listened on); undefined: the wait runs its course.
   */
  readonly wake?: (retry: ScheduledRetry) => Observable<unknown> | undefined;
}

/**
 * An RxJS operator that resubscribes to its source after a retryable error, waiting the
 * reference design's jittered exponential backoff on `clock` (sinon fake timers drive the
 * default; a `TestScheduler` adapted to a `Clock` drives marbles). Each subscription of the result is one independent loop.
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
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
  const scope = options.scope ?? 'connect';
  const target = options.target ?? 'operation';
  const subject = options.description ?? target;
  const { onRetryScheduled, onDecision, wake } = options;
  const decider = new RetryDecider({
    policy: resolved,
    classifier,
    random: options.random ?? systemRandom,
    target,
    budget: options.budget,
    reportHookError: options.reportHookError,
  });

  return (source: Observable<T>) =>
    defer(() => {
      const started = clock.now();
      let previousDelay = 0;
      return source.pipe(
        retry({
          delay: (error: unknown, attempt: number) => {
            const decision = decider.decide({
              error,
              attempt,
              elapsedMs: clock.now() - started,
              previousDelayMs: previousDelay,
              scope,
              subject,
              signal,
            });
            onDecision?.(decision);
            if (decision.type === 'stop') return throwError(() => decision.thrown);
            previousDelay = decision.delayMs;
            onRetryScheduled?.(decision);
            const wait = wait$(decision.delayMs, clock, signal);
            const early = wake?.(decision);
            // Whichever emits first ends the wait; the other is unsubscribed (a probe aborted).
            return early === undefined ? wait : merge(wait, early).pipe(take(1));
          },
        }),
      );
    });
}
