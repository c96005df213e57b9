import { type Observable, type Subscription, isObservable } from 'rxjs';
import type { RetryBudgetHook } from '../retry/hooks.js';
import type {
  CircuitStatus,
  Instrumentation,
  SharedComponent,
} from '../telemetry/Instrumentation.js';
import { holdfastAttributes, spanEventNames } from '../telemetry/names.js';

/** A breaker that publishes its state (`CircuitBreaker` does); any other hook is not watched. */
interface ObservableBreaker {
  readonly state$: Observable<{ readonly status: CircuitStatus }>;
}

/** A budget that can say how many tokens it holds (`RetryBudget` does). */
interface InspectableBudget {
  snapshot(): { readonly tokens: number };
}

/** What `watchResilience` reports to. */
export interface ResilienceTelemetry {
  readonly instrumentation: Instrumentation;
  /** Adds a span event on the operation in progress (the live connect cycle), if any. */
  readonly event: (name: string, attributes: Record<string, string | number | boolean>) => void;
}

const circuitEvents = {
  open: spanEventNames.circuitOpened,
  isolated: spanEventNames.circuitOpened,
  'half-open': spanEventNames.circuitHalfOpened,
  closed: spanEventNames.circuitClosed,
} as const satisfies Record<CircuitStatus, string>;

/**
 * Feeds a manager's breaker and budget into its telemetry: every breaker state (the
 * `holdfast.circuit.state` metric and log lines via `circuitChanged`, and a `circuit.opened` /
 * `circuit.half_opened` / `circuit.closed` span event on the live connect operation) and the
 * budget's tokens (the `holdfast.budget.tokens` gauge). Hooks without `state$` / `snapshot()`
 * are not watched. Returns the function that stops everything (idempotent).
 */
export function watchResilience(
  breaker: unknown,
  budget: RetryBudgetHook | undefined,
  telemetry: ResilienceTelemetry,
): () => void {
  const { instrumentation } = telemetry;
  let subscription: Subscription | undefined;
  if (isObservableBreaker(breaker)) {
    let previous: CircuitStatus | undefined;
    subscription = breaker.state$.subscribe({
      next: ({ status }) => {
        if (status === previous) return;
        const before = previous;
        previous = status;
        instrumentation.circuitChanged?.(status, before);
        // The state replayed on subscribing is not a change.
        if (before !== undefined)
          telemetry.event(circuitEvents[status], { [holdfastAttributes.circuitState]: status });
      },
      error: () => undefined,
    });
  }
  const shared = [
    watchSharedStore(breaker, 'circuit breaker', instrumentation),
    watchSharedStore(budget, 'retry budget', instrumentation),
  ];
  const stopGauge = isInspectableBudget(budget)
    ? instrumentation.observeBudget?.(() => budget.snapshot().tokens)
    : undefined;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    subscription?.unsubscribe();
    for (const watch of shared) watch?.unsubscribe();
    stopGauge?.();
  };
}

/** A breaker or budget whose events say when its fleet store fails and answers again. */
interface SharedStoreEvents {
  readonly events$: Observable<{
    readonly type: string;
    readonly operation?: string;
    readonly error?: unknown;
  }>;
}

/** Logs the shared-store events of `component` (when it has `events$`); undefined otherwise. */
function watchSharedStore(
  component: unknown,
  kind: SharedComponent,
  instrumentation: Instrumentation,
): Subscription | undefined {
  const events$ = (component as Partial<SharedStoreEvents> | undefined)?.events$;
  if (!isObservable(events$)) return undefined;
  return events$.subscribe({
    next: (event) => {
      if (event.type === 'shared-store-failed') {
        instrumentation.sharedStoreChanged?.(kind, event.operation, event.error ?? 'unknown error');
      } else if (event.type === 'shared-store-restored') {
        instrumentation.sharedStoreChanged?.(kind, undefined);
      }
    },
    error: () => undefined,
  });
}

function isObservableBreaker(breaker: unknown): breaker is ObservableBreaker {
  const state$ = (breaker as { state$?: { subscribe?: unknown } } | undefined)?.state$;
  return typeof state$?.subscribe === 'function';
}

function isInspectableBudget(budget: unknown): budget is InspectableBudget {
  return typeof (budget as { snapshot?: unknown } | undefined)?.snapshot === 'function';
}
