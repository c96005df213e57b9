import { backoffDelay } from '../backoff/exponentialBackoff.js';
import type {
  Classification,
  ClassifyContext,
  OperationScope,
} from '../classify/Classification.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import type { Random } from '../internal/Random.js';
import { abortReason } from '../internal/sleep.js';
import { describeError } from '../telemetry/redact.js';
import { type HookReporter, budgetAllows } from './guardedHooks.js';
import type { RetryBudgetHook } from './hooks.js';
import type { RetryDecision, RetryableClassification } from './RetryDecision.js';
import type { RetryPolicy } from './RetryOptions.js';
import { plural } from '../internal/plural.js';

/** Anything that classifies errors; an `ErrorClassifier` is one. */
export interface Classifies {
  classify(error: unknown, context: ClassifyContext): Classification;
}

/** What a `RetryDecider` is built with: one per loop owner (handler, manager, operator). */
export interface RetryDeciderParams {
  readonly policy: RetryPolicy;
  readonly classifier: Classifies;
  readonly random: Random;
  /** `RetriesExhaustedError.target`: the target or handler name. */
  readonly target: string;
  /** Asked before every retry, last (a yes spends a token). */
  readonly budget?: RetryBudgetHook | undefined;
  /** Told when the budget throws; the budget then counts as a yes. */
  readonly reportHookError?: HookReporter | undefined;
}

/** One failed attempt, as its loop saw it. */
export interface FailedAttempt {
  readonly error: unknown;
  /** Attempts made so far (1 after the first failed). */
  readonly attempt: number;
  /** Time since the loop started, ms (for `maxElapsedMs`). */
  readonly elapsedMs: number;
  /** The wait before this attempt, ms (0 before the first; decorrelated jitter needs it). */
  readonly previousDelayMs: number;
  readonly scope: OperationScope;
  /** Opens the stop messages: `Connecting to mysql-main`, `fetch users on mysql-main`. */
  readonly subject: string;
  /** `OutcomeUnknownError.operation`, e.g. `fetch users`. @default subject */
  readonly operation?: string;
  /** Already classified by the loop (for its span and breaker); classified here when absent. */
  readonly classification?: Classification | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * May this attempt's request be sent again? False for a write that may have reached the
   * server: the loop stops with `OutcomeUnknownError`. @default true
   */
  readonly resendable?: boolean;
  /** Told when the budget throws (this call's reporter). @default the decider's */
  readonly reportHookError?: HookReporter;
  /** Another loop (the reconnect loop) owns the wait: retry at once. @default false */
  readonly waitElsewhere?: boolean;
}

/**
 * The one retry decider every holdfast loop asks after a failed attempt (the promise loop of
 * `RetryHandler`, the `retryWithBackoff` operator of the reconnect loop, `ConnectionManager.execute`):
 * classify, then stop (abort, fatal, breaker, outcome unknown, retries, deadline, budget, in
 * that order), else the delay (backoff with jitter, times `throttledDelayFactor` after a
 * throttled error, capped at `maxDelayMs`). Synchronous and free of timers: the loops keep
 * only their mechanics. The stop messages are written here and nowhere else.
 */
export class RetryDecider {
  readonly policy: RetryPolicy;
  readonly #classifier: Classifies;
  readonly #random: Random;
  readonly #target: string;
  readonly #budget: RetryBudgetHook | undefined;
  readonly #report: HookReporter | undefined;

  constructor(params: RetryDeciderParams) {
    this.policy = params.policy;
    this.#classifier = params.classifier;
    this.#random = params.random;
    this.#target = params.target;
    this.#budget = params.budget;
    this.#report = params.reportHookError;
  }

  decide(failed: FailedAttempt): RetryDecision {
    const { error, attempt, signal } = failed;
    // A failure after the caller aborted is the abort's doing: report the abort.
    if (signal?.aborted === true) {
      return stop('abort', attempt, error, abortReason(signal), undefined);
    }
    const classification =
      failed.classification ?? this.#classifier.classify(error, { attempt, scope: failed.scope });
    if (classification.kind === 'fatal') {
      return stop(
        isCircuitOpen(error) ? 'breaker' : 'fatal',
        attempt,
        error,
        error,
        classification,
      );
    }
    if (failed.resendable === false) {
      return stop('outcome-unknown', attempt, error, this.#outcomeUnknown(failed), classification);
    }
    const policy = this.policy;
    if (attempt > policy.maxRetries) {
      return this.#exhausted(failed, classification, 'retries');
    }
    const delayMs =
      failed.waitElsewhere === true
        ? 0
        : this.delayFor(attempt, failed.previousDelayMs, classification);
    const deadline = policy.maxElapsedMs;
    if (deadline !== undefined && failed.elapsedMs + delayMs > deadline) {
      return this.#exhausted(failed, classification, 'deadline');
    }
    // Asked last: a yes spends a token, which must not be wasted on a loop that stops anyway.
    const budget = this.#budget;
    if (
      budget !== undefined &&
      !budgetAllows(budget, classification.kind, failed.reportHookError ?? this.#report)
    ) {
      return this.#exhausted(failed, classification, 'budget');
    }
    return { type: 'retry', retry: attempt, delayMs, error, classification };
  }

  /** The wait (ms) before retry `retry` (1, 2, ...) after an error of this classification. */
  delayFor(retry: number, previousDelayMs: number, classification: Classification): number {
    const policy = this.policy;
    const delay = backoffDelay(retry, previousDelayMs, policy, this.#random);
    return classification.kind === 'throttled'
      ? Math.min(delay * policy.throttledDelayFactor, policy.maxDelayMs)
      : delay;
  }

  #exhausted(
    failed: FailedAttempt,
    classification: RetryableClassification,
    cause: 'retries' | 'deadline' | 'budget',
  ): RetryDecision {
    const { attempt, error } = failed;
    const why =
      cause === 'retries'
        ? `after ${retriesPhrase(attempt - 1)}`
        : cause === 'deadline'
          ? `within maxElapsedMs (${this.policy.maxElapsedMs}) after ${attemptsPhrase(attempt)}`
          : `after ${attemptsPhrase(attempt)}: the retry budget is spent`;
    const thrown = new RetriesExhaustedError(
      `${failed.subject} failed ${why}: ${describeError(error)}. Raise maxRetries or maxElapsedMs if the service needs longer to recover.`,
      { cause: error, attempts: attempt, target: this.#target, reason: cause },
    );
    return stop(cause, attempt, error, thrown, classification);
  }

  #outcomeUnknown(failed: FailedAttempt): OutcomeUnknownError {
    return new OutcomeUnknownError(
      `${failed.subject} may have reached the server before it failed, so it was not sent again: ${describeError(failed.error)}. Check whether it took effect, or pass idempotent: true if running it twice is harmless.`,
      { cause: failed.error, operation: failed.operation ?? failed.subject },
    );
  }
}

/** `1 retry`, `3 retries`. */
export function retriesPhrase(count: number): string {
  return plural(count, 'retry', 'retries');
}

function attemptsPhrase(count: number): string {
  return plural(count, 'attempt');
}

function stop(
  cause: Extract<RetryDecision, { type: 'stop' }>['cause'],
  attempts: number,
  error: unknown,
  thrown: unknown,
  classification: Classification | undefined,
): RetryDecision {
  return { type: 'stop', cause, attempts, error, thrown, classification };
}

function isCircuitOpen(error: unknown): boolean {
  return isHoldfastError(error) && error.code === 'ERR_HOLDFAST_CIRCUIT_OPEN';
}
