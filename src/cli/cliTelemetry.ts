// The OpenTelemetry SDK of the `holdfast` command, and the pieces examples/otel.ts builds the
// demo's SDK from. With OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT /
// ..._METRICS_ENDPOINT) set, `holdfast wait` and `holdfast watch` export the spans and metrics
// the library records through @opentelemetry/api over OTLP/HTTP (protobuf); otherwise nothing
// OpenTelemetry-related happens (stdout is the command's own). The SDK packages are optional peer
// dependencies, loaded with import() only when an endpoint is set.
//
// The one file under src/ outside src/telemetry that imports @opentelemetry/* (eslint.config.js):
// the CLI is an application, and applications own the SDK (DESIGN.md); the library never loads it.
import { type AttributeValue, context, metrics, propagation, trace } from '@opentelemetry/api';
import type * as MetricExporterModule from '@opentelemetry/exporter-metrics-otlp-proto';
import type * as TraceExporterModule from '@opentelemetry/exporter-trace-otlp-proto';
import type * as SdkNodeModule from '@opentelemetry/sdk-node';
import type { Clock } from '../internal/Clock.js';
import { describeError, redact } from '../telemetry/redact.js';
import type { CliStream } from './CliIo.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The three SDK packages, as `import()` gives them. */
export interface OtelSdkModules {
  readonly sdkNode: typeof SdkNodeModule;
  readonly traceExporter: typeof TraceExporterModule;
  readonly metricExporter: typeof MetricExporterModule;
}

/** What `holdfast wait` / `watch` need installed to export (devDependencies here). */
export const otelSdkPackages = [
  '@opentelemetry/sdk-node',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-metrics-otlp-proto',
] as const;

/** The variables that switch the export on, in the order they are named in messages. */
const endpointVariables = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
] as const;

/** How often `holdfast watch` exports metrics, ms (OpenTelemetry's default interval). */
export const cliMetricIntervalMs = 60_000;

/**
 * How long the command waits for the last spans and metrics to be delivered before it exits,
 * ms: a dead or hanging collector must not hold a container entrypoint up.
 */
export const telemetryFlushTimeoutMs = 2000;

export interface OtlpEndpoints {
  /** `<endpoint>/v1/traces`, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given; else no traces. */
  readonly traces: string | undefined;
  /** `<endpoint>/v1/metrics`, or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as given; else no metrics. */
  readonly metrics: string | undefined;
}

/**
 * Where OTLP data goes: `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces` and `/v1/metrics`, each
 * replaced by its per-signal variable when that is set. Undefined when none of the three is set.
 */
export function otlpEndpoints(env: Env): OtlpEndpoints | undefined {
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim().replace(/\/+$/, '');
  const perSignal = (name: string, path: string): string | undefined =>
    env[name]?.trim() || (base ? `${base}${path}` : undefined);
  const traces = perSignal('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '/v1/traces');
  const metricsUrl = perSignal('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', '/v1/metrics');
  return traces === undefined && metricsUrl === undefined
    ? undefined
    : { traces, metrics: metricsUrl };
}

/** Loads the SDK packages; rejects (ERR_MODULE_NOT_FOUND) when one is not installed. */
export async function loadOtelSdk(): Promise<OtelSdkModules> {
  const [sdkNode, traceExporter, metricExporter] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/exporter-metrics-otlp-proto'),
  ]);
  return { sdkNode, traceExporter, metricExporter };
}

type Configuration = Partial<SdkNodeModule.NodeSDKConfiguration>;

/** The span processors and metric readers of an SDK. */
export interface SdkPipeline {
  readonly spanProcessors: NonNullable<Configuration['spanProcessors']>;
  readonly metricReaders: NonNullable<Configuration['metricReaders']>;
}

/** Batched OTLP/HTTP protobuf export of each signal that has an endpoint. */
export function otlpPipeline(
  modules: OtelSdkModules,
  endpoints: OtlpEndpoints,
  metricIntervalMs: number,
): SdkPipeline {
  const { tracing, metrics: sdkMetrics } = modules.sdkNode;
  return {
    spanProcessors:
      endpoints.traces === undefined
        ? []
        : [
            new tracing.BatchSpanProcessor(
              new modules.traceExporter.OTLPTraceExporter({ url: endpoints.traces }),
            ),
          ],
    metricReaders:
      endpoints.metrics === undefined
        ? []
        : [
            new sdkMetrics.PeriodicExportingMetricReader({
              exporter: new modules.metricExporter.OTLPMetricExporter({ url: endpoints.metrics }),
              exportIntervalMillis: metricIntervalMs,
            }),
          ],
  };
}

export interface RunningSdk {
  readonly sdk: SdkNodeModule.NodeSDK;
  /** Flushes and stops the SDK, then unregisters the global providers. Idempotent. */
  readonly shutdown: () => Promise<void>;
}

/**
 * Starts a NodeSDK with `pipeline` and registers it globally. The resource attributes are
 * redacted: the process detector's `process.command_args` is the command line, and
 * `holdfast wait mysql://app:pw@db` carries a password.
 */
export function startSdk(
  modules: OtelSdkModules,
  options: { readonly serviceName: string; readonly pipeline: SdkPipeline },
): RunningSdk {
  const { NodeSDK, resources } = modules.sdkNode;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [...options.pipeline.spanProcessors],
    metricReaders: [...options.pipeline.metricReaders],
    // holdfast logs through its own Logger; no OTLP log pipeline is wanted here.
    logRecordProcessors: [],
    resourceDetectors: [
      resources.envDetector,
      resources.processDetector,
      resources.hostDetector,
    ].map(redacting),
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    sdk,
    shutdown: () =>
      (stopped ??= sdk.shutdown().finally(() => {
        trace.disable();
        metrics.disable();
        context.disable();
        propagation.disable();
      })),
  };
}

type ResourceDetector = SdkNodeModule.resources.ResourceDetector;
type DetectedValue = NonNullable<ReturnType<ResourceDetector['detect']>['attributes']>[string];

/** The detector's string attributes (and strings in arrays) put through `redact`. */
function redacting(detector: ResourceDetector): ResourceDetector {
  return {
    detect: (config) => {
      const detected = detector.detect(config);
      const attributes = detected.attributes;
      if (attributes === undefined) return detected;
      const redacted: Record<string, DetectedValue> = {};
      for (const [key, value] of Object.entries(attributes)) {
        redacted[key] = value instanceof Promise ? value.then(redactValue) : redactValue(value);
      }
      return { ...detected, attributes: redacted };
    },
  };
}

function redactValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) {
    return (value as unknown[]).map((item) =>
      typeof item === 'string' ? redact(item) : item,
    ) as AttributeValue;
  }
  return value;
}

/** The command's SDK, once started. */
export interface CliTelemetry {
  readonly endpoints: OtlpEndpoints;
  /** Flushes what is buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Starts the command's telemetry, or resolves with undefined when it is off. Never rejects. */
export type StartCliTelemetry = (env: Env, stderr: CliStream) => Promise<CliTelemetry | undefined>;

/**
 * The command's telemetry: undefined (nothing loaded, nothing registered) unless an OTLP
 * endpoint variable is set and OTEL_SDK_DISABLED is not `true`. When the SDK packages are not
 * installed, or the SDK does not start, one line on `stderr` says that traces are off and the
 * command goes on without them.
 */
export async function startCliTelemetry(
  env: Env,
  stderr: CliStream,
  load: () => Promise<OtelSdkModules> = loadOtelSdk,
): Promise<CliTelemetry | undefined> {
  const endpoints = otlpEndpoints(env);
  if (endpoints === undefined || env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') {
    return undefined;
  }
  const variable = endpointVariables.find((name) => env[name]?.trim()) ?? endpointVariables[0];
  let modules: OtelSdkModules;
  try {
    modules = await load();
  } catch (error) {
    stderr.write(
      isModuleNotFound(error)
        ? `holdfast: ${variable} is set but the OpenTelemetry SDK is not installed, so traces are off; install it with: npm install ${otelSdkPackages.join(' ')}\n`
        : `holdfast: ${variable} is set but the OpenTelemetry SDK did not load, so traces are off: ${oneLine(error)}\n`,
    );
    return undefined;
  }
  try {
    const running = startSdk(modules, {
      serviceName: env['OTEL_SERVICE_NAME']?.trim() || 'holdfast-cli',
      pipeline: otlpPipeline(modules, endpoints, cliMetricIntervalMs),
    });
    return { endpoints, shutdown: running.shutdown };
  } catch (error) {
    stderr.write(
      `holdfast: ${variable} is set but the OpenTelemetry SDK did not start, so traces are off: ${oneLine(error)}\n`,
    );
    return undefined;
  }
}

/**
 * Flushes and stops the command's telemetry, waiting at most `timeoutMs`. A failed or late
 * delivery costs one line on stderr, never the exit status. Never rejects.
 */
export async function stopCliTelemetry(
  telemetry: CliTelemetry,
  io: { readonly stderr: CliStream; readonly clock: Clock },
  timeoutMs = telemetryFlushTimeoutMs,
): Promise<void> {
  const where = redact(telemetry.endpoints.traces ?? telemetry.endpoints.metrics ?? '');
  let timer: unknown;
  const late = new Promise<{ readonly late: true }>((resolve) => {
    timer = io.clock.setTimeout(() => {
      resolve({ late: true });
    }, timeoutMs);
  });
  const stopped = telemetry.shutdown().then(
    () => ({ error: undefined }),
    (error: unknown) => ({ error: error ?? new Error('export failed') }),
  );
  const outcome = await Promise.race([stopped, late]);
  io.clock.clearTimeout(timer);
  if ('late' in outcome) {
    io.stderr.write(
      `holdfast: telemetry not delivered to ${where} within ${timeoutMs / 1000} s; gave up\n`,
    );
  } else if (outcome.error !== undefined) {
    io.stderr.write(`holdfast: telemetry not delivered to ${where}: ${oneLine(outcome.error)}\n`);
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function oneLine(error: unknown): string {
  return describeError(error).split('\n')[0] ?? '';
}
