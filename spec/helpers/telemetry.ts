// In-memory OpenTelemetry for specs: a tracer whose finished spans are kept, a meter read on
// demand, a recording logger, and helpers to read metric points and every text telemetry
// produced (for the secret scan, spec/helpers/secretScan.ts).
import type { Attributes, Meter, Tracer } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../../src/telemetry/Logger.js';

/** A metric reader that collects only when asked (no timer: safe under fake time). */
export class ManualMetricReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: object | undefined;
}

export interface RecordingLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** Messages of one level, in order. */
  messages(level?: LogLine['level']): string[];
  /** Every message and field value as text. */
  texts(): string[];
}

/** A Logger that keeps every line (all levels, debug included). */
export function recordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const record =
    (level: LogLine['level']) =>
    (message: string, fields?: object): void => {
      lines.push({ level, message, fields });
    };
  const recorder: RecordingLogger = {
    logger: {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
    lines,
    messages: (level) =>
      lines.filter((l) => level === undefined || l.level === level).map((l) => l.message),
    texts: () =>
      lines.flatMap((l) => [
        l.message,
        ...(l.fields === undefined ? [] : [JSON.stringify(l.fields)]),
      ]),
  };
  captures.add(() => recorder.texts());
  return recorder;
}

export interface TelemetryCapture {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly log: RecordingLogger;
  readonly exporter: InMemorySpanExporter;
  readonly reader: ManualMetricReader;
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** Collects the metrics now. */
  collect(): Promise<ResourceMetrics>;
  /** Keeps an error a spec received, for the secret scan (message, stack, causes). */
  recordError(error: unknown): void;
  /** Every text produced: log lines, span names/attributes/events/status, recorded errors. */
  texts(): string[];
  shutdown(): Promise<void>;
}

/** A tracer, meter and logger that keep everything in memory. */
export function captureTelemetry(): TelemetryCapture {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new ManualMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const log = recordingLogger();
  const errors: string[] = [];
  const capture: TelemetryCapture = {
    tracer: tracerProvider.getTracer('holdfast'),
    meter: meterProvider.getMeter('holdfast'),
    log,
    exporter,
    reader,
    spans: () => exporter.getFinishedSpans(),
    collect: async () => {
      const { resourceMetrics, errors: collectErrors } = await reader.collect();
      if (collectErrors.length > 0) throw collectErrors[0];
      return resourceMetrics;
    },
    recordError: (error) => {
      errors.push(...errorTexts(error));
    },
    texts: () => [...log.texts(), ...spanTexts(exporter.getFinishedSpans()), ...errors],
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
  captures.add(() => [...spanTexts(exporter.getFinishedSpans()), ...errors]);
  return capture;
}

const captures = new Set<() => string[]>();

/** Every text captured by every recorder and capture made so far in this process. */
export function allCapturedTexts(): string[] {
  return [...captures].flatMap((texts) => texts());
}

/** Message, stack and the same for each cause and inner error, as text. */
export function errorTexts(error: unknown, depth = 0): string[] {
  if (depth > 5) return [];
  if (!(error instanceof Error)) return [String(error)];
  const own = [error.message, error.stack ?? ''];
  const inner = error instanceof AggregateError ? (error.errors as unknown[]) : [];
  const cause = error.cause === undefined ? [] : [error.cause];
  return [...own, ...[...cause, ...inner].flatMap((e) => errorTexts(e, depth + 1))];
}

/** Span names, attribute values, event names and attributes, status messages. */
export function spanTexts(spans: readonly ReadableSpan[]): string[] {
  return spans.flatMap((span) => [
    span.name,
    ...attributeTexts(span.attributes),
    span.status.message ?? '',
    ...span.events.flatMap((event) => [event.name, ...attributeTexts(event.attributes ?? {})]),
  ]);
}

function attributeTexts(attributes: Attributes): string[] {
  return Object.entries(attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
}

/** The points of metric `name` (all scopes), optionally only those whose attributes include `match`. */
export function metricPoints<T = number>(
  metrics: ResourceMetrics,
  name: string,
  match: Attributes = {},
): DataPoint<T>[] {
  return metrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<T>[])
    .filter((point) => Object.entries(match).every(([k, v]) => point.attributes[k] === v));
}

/** Sum of the values of a counter's (or up-down counter's, or gauge's) matching points. */
export function metricSum(metrics: ResourceMetrics, name: string, match: Attributes = {}): number {
  return metricPoints(metrics, name, match).reduce((sum, point) => sum + point.value, 0);
}

/** Count and sum of a histogram's matching points. */
export function histogramTotals(
  metrics: ResourceMetrics,
  name: string,
  match: Attributes = {},
): { count: number; sum: number } {
  return metricPoints<Histogram>(metrics, name, match).reduce(
    (acc, point) => ({
      count: acc.count + point.value.count,
      sum: acc.sum + (point.value.sum ?? 0),
    }),
    { count: 0, sum: 0 },
  );
}

/** The unit of metric `name`, or undefined when it was not exported. */
export function metricUnit(metrics: ResourceMetrics, name: string): string | undefined {
  return metrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === name)?.descriptor.unit;
}
