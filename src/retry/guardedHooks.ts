import type { Classification } from '../classify/Classification.js';
import type { CircuitTicket, RetryBudgetHook } from './hooks.js';

/** Which user hook threw. */
export type HookName = 'circuitBreaker' | 'budget';

/** Told when a breaker or budget hook throws: the loop goes on, the failure is reported. */
export type HookReporter = (callback: HookName, error: unknown) => void;

// Every loop calls the breaker's ticket and the budget through these: a throwing hook is
// reported and never breaks a loop. (`acquire()` is not here: its throw is the refusal.)

/** A budget that throws is reported and counts as a yes: it must not break the call. */
export function budgetAllows(
  budget: RetryBudgetHook,
  kind: 'transient' | 'throttled',
  report: HookReporter | undefined,
): boolean {
  try {
    return budget.tryRetry(kind);
  } catch (error) {
    reportSafely(report, 'budget', error);
    return true;
  }
}

/** An attempt succeeded: the ticket (if any) and the budget (if any) hear it. */
export function recordSuccess(
  ticket: CircuitTicket | undefined,
  budget: RetryBudgetHook | undefined,
  report: HookReporter | undefined,
): void {
  if (ticket !== undefined) {
    try {
      ticket.success();
    } catch (error) {
      reportSafely(report, 'circuitBreaker', error);
    }
  }
  if (budget !== undefined) {
    try {
      budget.recordSuccess();
    } catch (error) {
      reportSafely(report, 'budget', error);
    }
  }
}

/** An admitted attempt failed: its ticket hears it once. */
export function recordFailure(
  ticket: CircuitTicket | undefined,
  error: unknown,
  classification: Classification,
  report: HookReporter | undefined,
): void {
  if (ticket === undefined) return;
  try {
    ticket.failure(error, classification);
  } catch (hookError) {
    reportSafely(report, 'circuitBreaker', hookError);
  }
}

function reportSafely(report: HookReporter | undefined, callback: HookName, error: unknown): void {
  try {
    report?.(callback, error);
  } catch {
    // A reporter that throws has nothing further to report to.
  }
}
