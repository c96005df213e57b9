// The OpenTelemetry SDK setup used by the demo and the OTLP spec (never by the library, which
// depends on @opentelemetry/api alone). With OTEL_EXPORTER_OTLP_ENDPOINT set, spans and metrics
// go over OTLP/HTTP (protobuf) to `<endpoint>/v1/traces` and `<endpoint>/v1/metrics` (Jaeger
// all-in-one listens on 4318); otherwise they are printed to the console. The OTLP part is the
// `holdfast` command's own (src/cli/cliTelemetry.ts); this file adds the console exporters.
//
//   import { startTelemetry } from './otel.js';
//   const telemetry = startTelemetry({ serviceName: 'holdfast-demo' }); // before creating clients
//   ...
//   await telemetry.shutdown(); // flushes what is buffered
import * as metricExporter from '@opentelemetry/exporter-metrics-otlp-proto';
import * as traceExporter from '@opentelemetry/exporter-trace-otlp-proto';
import * as sdkNode from '@opentelemetry/sdk-node';
import {
  type OtelSdkModules,
  type OtlpEndpoints,
  type SdkPipeline,
  otlpEndpoints,
  otlpPipeline,
  startSdk,
} from '../src/cli/cliTelemetry.js';

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
  readonly sdk: sdkNode.NodeSDK;
  readonly exporter: TelemetryExporter;
  /** Where OTLP data goes (undefined unless exporter is 'otlp'). */
  readonly endpoints: OtlpEndpoints | undefined;
  /** Flushes and stops the SDK, then unregisters the global providers. */
  shutdown(): Promise<void>;
}

const modules: OtelSdkModules = { sdkNode, traceExporter, metricExporter };

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
  let pipeline: SdkPipeline = { spanProcessors: [], metricReaders: [] };
  if (exporter === 'otlp') {
    if (endpoints === undefined) {
      throw new Error(
        'startTelemetry: exporter "otlp" needs OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318).',
      );
    }
    pipeline = otlpPipeline(modules, endpoints, interval);
  } else if (exporter === 'console') {
    const { tracing, metrics } = sdkNode;
    pipeline = {
      spanProcessors: [new tracing.BatchSpanProcessor(new tracing.ConsoleSpanExporter())],
      metricReaders: [
        new metrics.PeriodicExportingMetricReader({
          exporter: new metrics.ConsoleMetricExporter(),
          exportIntervalMillis: interval,
        }),
      ],
    };
  }
  const { sdk, shutdown } = startSdk(modules, {
    serviceName: options.serviceName ?? env['OTEL_SERVICE_NAME'] ?? 'holdfast-demo',
    pipeline,
  });
  return { sdk, exporter, endpoints: exporter === 'otlp' ? endpoints : undefined, shutdown };
}
