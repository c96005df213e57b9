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
  | { readonly type: 'replenished'; readonly tokens: number; readonly reserve: number }
  /** A shared budget's store failed or timed out; the budget goes on with its local count. Once per outage. */
  | { readonly type: 'shared-store-failed'; readonly operation: string; readonly error: unknown }
  /** The store answered again after `shared-store-failed`. */
  | { readonly type: 'shared-store-restored' };

export type RetryBudgetEventType = RetryBudgetEvent['type'];
