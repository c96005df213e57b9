import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { Classification } from '../classify/Classification.js';
import type { Clock } from '../internal/Clock.js';
import { errorType } from './errorAttributes.js';
import type { AttemptTelemetry, OperationKind, OperationTelemetry } from './Instrumentation.js';
import type { SafeLogger } from './safeLogger.js';
import type { TargetMetrics } from './metrics.js';
import {
  attemptSpanName,
  holdfastAttributes as attr,
  operationSpanName,
  spanEventNames,
} from './names.js';
import { describeError, redact } from './redact.js';
import { semconvAttributes } from './semconv.js';
import { markFailed, runInSpan, startAttemptSpan, startOperationSpan } from './spans.js';
import { plural } from '../internal/plural.js';

/** What every operation of one target shares. */
export interface TargetTelemetry {
  /** The target's name, redacted. */
  readonly name: string;
  readonly tracer: Tracer;
  readonly metrics: TargetMetrics;
  /** Already redacting and guarded (`safeLogger`); ask `enabled` before formatting a line. */
  readonly log: SafeLogger;
  readonly clock: Clock;
  /** The target's span attributes (db.system.name, server.*, holdfast.target), built once. */
  readonly attributes: () => Attributes;
}

const noopAttempt: AttemptTelemetry = {
  succeed: () => undefined,
  fail: () => undefined,
  run: (fn) => fn(),
};

/**
 * One logical operation: its span (INTERNAL), one child span per attempt (CLIENT), the
 * reference design's log lines and the attempt/retry/duration metrics. Every span it opens ends
 * exactly once: later calls after the end are ignored.
 */
export class InstrumentedOperation implements OperationTelemetry {
  readonly #t: TargetTelemetry;
  readonly #kind: OperationKind;
  readonly #name: string;
  readonly #span: Span;
  readonly #startMs: number;
  #ended = false;
  #open: InstrumentedAttempt | undefined;
  #delayBeforeNextMs: number | undefined;

  constructor(t: TargetTelemetry, kind: OperationKind, description: string, startTimeMs?: number) {
    this.#t = t;
    this.#kind = kind;
    this.#name = operationSpanName(kind, redact(description));
    this.#startMs = startTimeMs ?? t.clock.now();
    this.#span = startOperationSpan(
      t.tracer,
      this.#name,
      () => ({ ...t.attributes(), [attr.operation]: kind }),
      this.#startMs,
    );
    if (kind === 'connect' && t.log.isLevelEnabled('info')) {
      t.log.info(`Attempting to connect to ${t.name}`, { target: t.name });
    }
  }

  attempt(attempt: number, startTimeMs?: number): AttemptTelemetry {
    if (this.#ended) return noopAttempt;
    this.#open?.end(undefined);
    const delayMs = this.#delayBeforeNextMs;
    this.#delayBeforeNextMs = undefined;
    const span = startAttemptSpan(
      this.#t.tracer,
      this.#span,
      attemptSpanName(this.#name, attempt),
      () => {
        const attributes: Attributes = { ...this.#t.attributes(), [attr.attempt]: attempt };
        if (delayMs !== undefined) attributes[attr.retryDelayMs] = Math.round(delayMs);
        return attributes;
      },
      startTimeMs ?? this.#t.clock.now(),
    );
    const opened = new InstrumentedAttempt(this.#t, this.#kind, span, () => {
      if (this.#open === opened) this.#open = undefined;
    });
    this.#open = opened;
    return opened;
  }

  retryScheduled(retry: number, delayMs: number, error: unknown): void {
    if (this.#ended) return;
    this.#delayBeforeNextMs = delayMs;
    this.#t.metrics.retry(this.#kind, error);
    const code = errorType(error);
    if (this.#span.isRecording()) {
      this.#span.addEvent(
        spanEventNames.retryScheduled,
        {
          [attr.retry]: retry,
          [attr.retryDelayMs]: Math.round(delayMs),
          [semconvAttributes.errorType]: code,
        },
        this.#t.clock.now(),
      );
    }
    if (!this.#t.log.isLevelEnabled('warn')) return;
    this.#t.log.warn(
      `Attempt ${retry} of ${this.#name} failed, retrying in ${Math.round(delayMs)} ms: ${describeError(error)}`,
      {
        target: this.#t.name,
        operation: this.#kind,
        attempt: retry,
        retry,
        delayMs: Math.round(delayMs),
        errorCode: code,
      },
    );
  }

  event(name: string, attributes?: Record<string, string | number | boolean>): void {
    if (this.#ended) return;
    if (this.#span.isRecording()) {
      this.#span.addEvent(
        name,
        attributes === undefined ? {} : eventAttributes(attributes),
        this.#t.clock.now(),
      );
    }
    if (this.#t.log.isLevelEnabled('debug')) {
      this.#t.log.debug(`${this.#name}: ${name}`, { target: this.#t.name, event: name });
    }
  }

  succeed(attempts: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#open?.succeed();
    if (this.#span.isRecording()) this.#span.setAttribute(attr.attemptCount, attempts);
    this.#span.end(this.#t.clock.now());
    if (this.#kind === 'connect') {
      this.#t.metrics.connectDuration(this.#elapsedSeconds(), 'success');
    }
    if (!this.#t.log.isLevelEnabled('info')) return;
    const fields = { target: this.#t.name, operation: this.#kind, attempts };
    if (this.#kind === 'connect') {
      this.#t.log.info(`Successfully connected to ${this.#t.name}`, fields);
    } else if (attempts > 1) {
      this.#t.log.info(
        `${this.#name} succeeded after ${plural(attempts - 1, 'retry', 'retries')}`,
        fields,
      );
    }
  }

  fail(error: unknown, attempts: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#open?.end(error);
    const now = this.#t.clock.now();
    markFailed(this.#span, error, now, { [attr.attemptCount]: attempts }, false);
    this.#span.end(now);
    if (this.#kind === 'connect') {
      this.#t.metrics.connectDuration(this.#elapsedSeconds(), 'failure', error);
    }
    if (!this.#t.log.isLevelEnabled('error')) return;
    const message = describeError(error);
    const fields = {
      target: this.#t.name,
      operation: this.#kind,
      attempts,
      errorCode: errorType(error),
    };
    if (this.#kind === 'connect') {
      this.#t.log.error(
        `Failed to connect to ${this.#t.name} after ${plural(attempts - 1, 'retry', 'retries')}: ${message}`,
        fields,
      );
    } else {
      this.#t.log.error(
        `Failed to ${this.#name} after ${plural(attempts - 1, 'retry', 'retries')}: ${message}`,
        fields,
      );
    }
  }

  #elapsedSeconds(): number {
    return (this.#t.clock.now() - this.#startMs) / 1000;
  }
}

/** One attempt's span and its `holdfast.attempts` count; ends exactly once. */
class InstrumentedAttempt implements AttemptTelemetry {
  readonly #t: TargetTelemetry;
  readonly #kind: OperationKind;
  readonly #span: Span;
  readonly #onEnd: () => void;
  #ended = false;

  constructor(t: TargetTelemetry, kind: OperationKind, span: Span, onEnd: () => void) {
    this.#t = t;
    this.#kind = kind;
    this.#span = span;
    this.#onEnd = onEnd;
  }

  succeed(): void {
    if (!this.#finish()) return;
    this.#span.end(this.#t.clock.now());
    this.#t.metrics.attempt(this.#kind, 'success');
  }

  fail(error: unknown, classification: Classification): void {
    if (!this.#finish()) return;
    const now = this.#t.clock.now();
    markFailed(this.#span, error, now, {
      [attr.errorKind]: classification.kind,
      [attr.errorReason]: redact(classification.reason),
    });
    this.#span.end(now);
    this.#t.metrics.attempt(this.#kind, 'failure', error, classification);
  }

  run<T>(fn: () => T): T {
    return runInSpan(this.#span, fn);
  }

  /** The operation ended (or moved on) while this attempt was still open. */
  end(error: unknown): void {
    if (error === undefined) {
      this.succeed();
      return;
    }
    if (!this.#finish()) return;
    const now = this.#t.clock.now();
    markFailed(this.#span, error, now);
    this.#span.end(now);
    this.#t.metrics.attempt(this.#kind, 'failure', error);
  }

  #finish(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    this.#onEnd();
    return true;
  }
}

/** Redacted values; a key without a namespace (`retry`) is put in holdfast's (`holdfast.retry`). */
function eventAttributes(
  attributes: Record<string, string | number | boolean>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    out[key.includes('.') ? key : `holdfast.${key}`] =
      typeof value === 'string' ? redact(value) : value;
  }
  return out;
}
