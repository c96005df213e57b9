/** Which kind of error asked for the retry. */
export type RetryKind = 'transient' | 'throttled';

/**
 * What a retry budget reports on `events$` (telemetry counts `retry-denied` as the
 * budget-exhausted metric and adds a `budget.exhausted` span event).
 */
export type RetryBudgetEvent =
  /** A retry was refused; one per refusal. */
  | {
      readonly type: 'retry-denied';
      readonly kind: RetryKind;
      readonly tokens: number;
      readonly reserve: number;
    }
  /** The first refusal after retries were allowed: the budget is spent. */
  | { readonly type: 'exhausted'; readonly tokens: number; readonly reserve: number }
  /** The first allowed retry after `exhausted`. */
  | { readonly type: 'replenished'; readonly tokens: number; readonly reserve: number };

export type RetryBudgetEventType = RetryBudgetEvent['type'];
