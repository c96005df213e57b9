import type { OperationTelemetry } from '../telemetry/Instrumentation.js';
import { holdfastAttributes, spanEventNames } from '../telemetry/names.js';
import type { RetryDecision } from './RetryDecision.js';

/**
 * The telemetry of one decision, the same for every loop: a retry is a `retry.scheduled` event
 * and a WARN line (before the wait); a stop ends the operation with the last attempt's error
 * (the abort for an abort), after a `budget.exhausted` event when the budget refused.
 */
export function recordDecision(op: OperationTelemetry, decision: RetryDecision): void {
  if (decision.type === 'retry') {
    op.retryScheduled(decision.retry, decision.delayMs, decision.error);
    return;
  }
  if (decision.cause === 'budget' && decision.classification !== undefined) {
    op.event(spanEventNames.budgetExhausted, {
      [holdfastAttributes.errorKind]: decision.classification.kind,
      [holdfastAttributes.attemptCount]: decision.attempts,
    });
  }
  op.fail(decision.cause === 'abort' ? decision.thrown : decision.error, decision.attempts);
}
