import {
  type Attributes,
  type Span,
  type Tracer,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
} from '@opentelemetry/api';
import { dbResponseStatusCode, errorType } from './errorAttributes.js';
import { describeError, redactedException } from './redact.js';
import { semconvAttributes } from './semconv.js';

// Span kinds follow the conventions for retried client calls: the logical operation is INTERNAL
// and each attempt, the one that talks to the server, is CLIENT. Every timestamp comes from the
// caller's Clock (ms since the epoch), so spans agree with the retry loop's own time, fake or real.

/**
 * Opens the span of one logical operation under whatever span is active (or as a root span).
 * `attributes` is only called when the span records.
 */
export function startOperationSpan(
  tracer: Tracer,
  name: string,
  attributes: () => Attributes,
  startTimeMs: number,
): Span {
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.INTERNAL, startTime: startTimeMs },
    context.active(),
  );
  if (span.isRecording()) span.setAttributes(attributes());
  return span;
}

/**
 * Opens an attempt's span as a child of `parent`, passed explicitly so that the tree is right
 * even when the application registered no context manager.
 */
export function startAttemptSpan(
  tracer: Tracer,
  parent: Span,
  name: string,
  attributes: () => Attributes,
  startTimeMs: number,
): Span {
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.CLIENT, startTime: startTimeMs },
    trace.setSpan(context.active(), parent),
  );
  if (span.isRecording()) span.setAttributes(attributes());
  return span;
}

/**
 * Marks a span failed: status ERROR with the redacted message, `error.type`,
 * `db.response.status_code` when the server answered, and (for an attempt's span, where the
 * error happened) an exception event, redacted. An operation's span gets no exception event:
 * its failed attempt already carries it, so each exception is recorded once.
 */
export function markFailed(
  span: Span,
  error: unknown,
  timeMs: number,
  extra?: Attributes,
  recordException = true,
): void {
  if (!span.isRecording()) return;
  const attributes: Attributes = { [semconvAttributes.errorType]: errorType(error), ...extra };
  const status = dbResponseStatusCode(error);
  if (status !== undefined) attributes[semconvAttributes.dbResponseStatusCode] = status;
  span.setAttributes(attributes);
  if (recordException) span.recordException(redactedException(error), timeMs);
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
}

/** Runs `fn` with `span` active in the current context. */
export function runInSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}
