// The OpenTelemetry SDK setup used by the demo, the CLI and the OTLP spec (never by the library,
// which depends on @opentelemetry/api alone). With OTEL_EXPORTER_OTLP_ENDPOINT set, spans and
// metrics go over OTLP/HTTP (protobuf) to `<endpoint>/v1/traces` and `<endpoint>/v1/metrics`
// (Jaeger all-in-one listens on 4318); otherwise they are printed to the console.
//
//   import { startTelemetry } from './otel.js';
//   const telemetry = startTelemetry({ serviceName: 'holdfast-demo' }); // before creating clients
//   ...
//   await telemetry.shutdown(); // flushes what is buffered
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  ConsoleMetricExporter,
  type MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export type TelemetryExporter = 'otlp' | 'console' | 'none';

export interface StartTelemetryOptions {
  /** `service.name` of the resource. @default OTEL_SERVICE_NAME, else 'holdfast-demo' */
  readonly serviceName?: string;
  /** Where OTEL_* variables are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default 'otlp' when an OTLP endpoint is configured, else 'console' */
  readonly exporter?: TelemetryExporter;
  /** How often metrics are exported, ms. @default 10000 */
  readonly metricIntervalMs?: number;
}

export interface Telemetry {
  readonly sdk: NodeSDK;
  readonly exporter: TelemetryExporter;
  /** Where OTLP data goes (undefined unless exporter is 'otlp'). */
  readonly endpoints: { readonly traces: string; readonly metrics: string } | undefined;
  /** Flushes and stops the SDK, then unregisters the global providers. */
  shutdown(): Promise<void>;
}

/**
 * Starts the NodeSDK: OTLP/HTTP protobuf exporters when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the
 * per-signal `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `..._METRICS_ENDPOINT`) is set, console
 * exporters otherwise. Call it before creating holdfast's clients.
 */
export function startTelemetry(options: StartTelemetryOptions = {}): Telemetry {
  const env = options.env ?? process.env;
  const endpoints = otlpEndpoints(env);
  const exporter = options.exporter ?? (endpoints === undefined ? 'console' : 'otlp');
  const interval = options.metricIntervalMs ?? 10_000;
  let spanProcessors: SpanProcessor[] = [];
  let metricReaders: MetricReader[] = [];
  if (exporter === 'otlp') {
    if (endpoints === undefined) {
      throw new Error(
        'startTelemetry: exporter "otlp" needs OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318).',
      );
    }
    spanProcessors = [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoints.traces }))];
    metricReaders = [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: endpoints.metrics }),
        exportIntervalMillis: interval,
      }),
    ];
  } else if (exporter === 'console') {
    spanProcessors = [new BatchSpanProcessor(new ConsoleSpanExporter())];
    metricReaders = [
      new PeriodicExportingMetricReader({
        exporter: new ConsoleMetricExporter(),
        exportIntervalMillis: interval,
      }),
    ];
  }
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? env['OTEL_SERVICE_NAME'] ?? 'holdfast-demo',
    spanProcessors,
    metricReaders,
    // holdfast logs through its own Logger; no OTLP log pipeline is wanted here.
    logRecordProcessors: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    sdk,
    exporter,
    endpoints: exporter === 'otlp' ? endpoints : undefined,
    shutdown: () =>
      (stopped ??= sdk.shutdown().finally(() => {
        trace.disable();
        metrics.disable();
        context.disable();
        propagation.disable();
      })),
  };
}

/** `<endpoint>/v1/traces` and `<endpoint>/v1/metrics`, or the per-signal variables as given. */
export function otlpEndpoints(
  env: Readonly<Record<string, string | undefined>>,
): { traces: string; metrics: string } | undefined {
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim().replace(/\/+$/, '');
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim() || (base && `${base}/v1/traces`);
  const metricsUrl =
    env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']?.trim() || (base && `${base}/v1/metrics`);
  return traces && metricsUrl ? { traces, metrics: metricsUrl } : undefined;
}
