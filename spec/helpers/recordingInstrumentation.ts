import type { Classification } from '../../src/classify/Classification.js';
import type {
  AttemptTelemetry,
  Instrumentation,
  OperationKind,
  OperationTelemetry,
} from '../../src/telemetry/Instrumentation.js';

/** One call into the Instrumentation seam, in the order it happened; `at` is Date.now(). */
export type TelemetryCall =
  | {
      readonly type: 'operation';
      readonly kind: OperationKind;
      readonly description: string;
      readonly startTimeMs: number | undefined;
      readonly at: number;
    }
  | {
      readonly type: 'attempt';
      readonly attempt: number;
      readonly startTimeMs: number | undefined;
      readonly at: number;
    }
  | { readonly type: 'attempt.succeed'; readonly attempt: number; readonly at: number }
  | {
      readonly type: 'attempt.fail';
      readonly attempt: number;
      readonly error: unknown;
      readonly classification: Classification;
      readonly at: number;
    }
  | {
      readonly type: 'retryScheduled';
      readonly retry: number;
      readonly delayMs: number;
      readonly error: unknown;
      readonly at: number;
    }
  | {
      readonly type: 'event';
      readonly name: string;
      readonly attributes: Record<string, string | number | boolean> | undefined;
      readonly at: number;
    }
  | { readonly type: 'succeed'; readonly attempts: number; readonly at: number }
  | {
      readonly type: 'fail';
      readonly error: unknown;
      readonly attempts: number;
      readonly at: number;
    }
  | {
      readonly type: 'stateChanged';
      readonly status: string;
      readonly previous: string;
      readonly at: number;
    };

/** A fake Instrumentation that records every call (a span recorder without OpenTelemetry). */
export class RecordingInstrumentation implements Instrumentation {
  readonly calls: TelemetryCall[] = [];

  operation(kind: OperationKind, description: string, startTimeMs?: number): OperationTelemetry {
    const calls = this.calls;
    calls.push({ type: 'operation', kind, description, startTimeMs, at: Date.now() });
    return {
      attempt: (attempt, attemptStart): AttemptTelemetry => {
        calls.push({ type: 'attempt', attempt, startTimeMs: attemptStart, at: Date.now() });
        return {
          succeed: () => calls.push({ type: 'attempt.succeed', attempt, at: Date.now() }),
          fail: (error, classification) =>
            calls.push({ type: 'attempt.fail', attempt, error, classification, at: Date.now() }),
        };
      },
      retryScheduled: (retry, delayMs, error) =>
        calls.push({ type: 'retryScheduled', retry, delayMs, error, at: Date.now() }),
      event: (name, attributes) => calls.push({ type: 'event', name, attributes, at: Date.now() }),
      succeed: (attempts) => calls.push({ type: 'succeed', attempts, at: Date.now() }),
      fail: (error, attempts) => calls.push({ type: 'fail', error, attempts, at: Date.now() }),
    };
  }

  stateChanged(status: string, previous: string): void {
    this.calls.push({ type: 'stateChanged', status, previous, at: Date.now() });
  }

  /** The calls' types in order, e.g. ['operation', 'attempt', 'attempt.fail', ...]. */
  types(): string[] {
    return this.calls.map((call) => call.type);
  }

  /** The calls of one type, narrowed. */
  of<K extends TelemetryCall['type']>(type: K): Extract<TelemetryCall, { type: K }>[] {
    return this.calls.filter(
      (call): call is Extract<TelemetryCall, { type: K }> => call.type === type,
    );
  }
}
