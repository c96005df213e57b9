// A local OTLP/HTTP receiver for specs and a decoder built on the official OTLP protobuf
// definitions (the protobufjs root generated from opentelemetry-proto, shipped by
// @opentelemetry/otlp-proto-exporter-base): what a spec decodes here is what Jaeger receives.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { createRequire } from 'node:module';

export interface OtlpRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly requests: OtlpRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on a free 127.0.0.1 port that accepts every OTLP export with 200. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      // An empty Export*ServiceResponse is a full success.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

// ---- decoding -------------------------------------------------------------------------------

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
  startTimeUnixNano: number;
  endTimeUnixNano: number;
}
export interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name: string }; spans?: OtlpSpan[] }[];
  }[];
}
export interface OtlpNumberPoint {
  attributes?: OtlpKeyValue[];
  asDouble?: number;
  asInt?: number;
}
export interface OtlpHistogramPoint {
  attributes?: OtlpKeyValue[];
  count: number;
  sum?: number;
}
export interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints?: OtlpNumberPoint[]; isMonotonic?: boolean };
  gauge?: { dataPoints?: OtlpNumberPoint[] };
  histogram?: { dataPoints?: OtlpHistogramPoint[] };
}
export interface ExportMetricsServiceRequest {
  resourceMetrics?: { scopeMetrics?: { scope?: { name: string }; metrics?: OtlpMetric[] }[] }[];
}

interface MessageType {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}

interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: MessageType } };
        metrics: { v1: { ExportMetricsServiceRequest: MessageType } };
      };
    };
  };
}

const require = createRequire(import.meta.url);
const root =
  require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js') as GeneratedRoot;
const collector = root.opentelemetry.proto.collector;
const toObjectOptions = { longs: Number, enums: Number, defaults: false, arrays: true };

/** Decodes an OTLP/HTTP protobuf trace export (opentelemetry.proto.collector.trace.v1). */
export function decodeTraces(body: Uint8Array): ExportTraceServiceRequest {
  const type = collector.trace.v1.ExportTraceServiceRequest;
  return type.toObject(type.decode(body), toObjectOptions) as ExportTraceServiceRequest;
}

/** Decodes an OTLP/HTTP protobuf metrics export (opentelemetry.proto.collector.metrics.v1). */
export function decodeMetrics(body: Uint8Array): ExportMetricsServiceRequest {
  const type = collector.metrics.v1.ExportMetricsServiceRequest;
  return type.toObject(type.decode(body), toObjectOptions) as ExportMetricsServiceRequest;
}

/** An OTLP attribute list as a plain record. */
export function attributesOf(list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value?.stringValue ?? value?.intValue ?? value?.doubleValue ?? value?.boolValue;
  }
  return out;
}

export const hex = (bytes: Uint8Array | undefined): string =>
  bytes === undefined ? '' : Buffer.from(bytes).toString('hex');

/** OTLP's numeric span kinds and status codes. */
export const otlpSpanKind = { internal: 1, server: 2, client: 3 } as const;
export const otlpStatusCode = { unset: 0, ok: 1, error: 2 } as const;
