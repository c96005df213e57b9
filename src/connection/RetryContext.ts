import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { Clock } from '../internal/Clock.js';
import type { Random } from '../internal/Random.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../retry/hooks.js';
import type { RetryDecider } from '../retry/RetryDecider.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import type { Instrumentation } from '../telemetry/Instrumentation.js';

/** The retry machinery a `ConnectionManager` shares between its connect loop and `execute`. */
export interface RetryContext {
  readonly name: string;
  readonly policy: RetryPolicy;
  readonly classifier: ErrorClassifier;
  readonly breaker: CircuitBreakerHook | undefined;
  readonly budget: RetryBudgetHook | undefined;
  readonly instrumentation: Instrumentation;
  readonly clock: Clock;
  readonly random: Random;
  /** The manager's decider (its budget reports to the manager's events). */
  readonly decider: RetryDecider;
}
