// End to end: the SDK setup of examples/otel.ts exports holdfast's spans and metrics over
// OTLP/HTTP (protobuf) to a receiver on 127.0.0.1; the payload decodes with the official OTLP
// definitions and holds the span tree of "fails twice, then connects". This is what Jaeger gets.
import { type Server, type Socket, connect as netConnect, createServer } from 'node:net';
import { trace } from '@opentelemetry/api';
import { expect } from 'chai';
import { startTelemetry } from '../../examples/otel.js';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { freePort } from '../helpers/servers/freePort.js';
import { recordingLogger } from '../helpers/telemetry.js';
import {
  type OtlpReceiver,
  type OtlpSpan,
  attributesOf,
  decodeMetrics,
  decodeTraces,
  hex,
  otlpSpanKind,
  otlpStatusCode,
  startOtlpReceiver,
} from '../helpers/telemetryOtlp.js';

function openSocket(port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port, signal });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('OTLP export (examples/otel.ts)', () => {
  let receiver: OtlpReceiver;
  let upstream: Server;
  let spans: OtlpSpan[];
  let resource: Record<string, unknown>;
  let scopes: string[];
  let metricNames: Map<string, string | undefined>;
  let attemptPoints: { attributes: Record<string, unknown>; value: number }[];
  let contentTypes: string[];

  before(async () => {
    receiver = await startOtlpReceiver();
    upstream = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as { port: number }).port;
    const closedPort = await freePort();

    const telemetry = startTelemetry({
      serviceName: 'holdfast-otlp-spec',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/` },
      metricIntervalMs: 60_000,
    });
    try {
      expect(telemetry.exporter).to.equal('otlp');
      // No tracer or meter given: the manager uses the global ones the SDK registered.
      let calls = 0;
      const manager = new ConnectionManager<Socket>({
        name: 'mysql-main',
        connect: (signal) => {
          calls += 1;
          return openSocket(calls <= 2 ? closedPort : upstreamPort, signal);
        },
        disconnect: (socket) => {
          socket.destroy();
        },
        retry: { maxRetries: 3, baseDelayMs: 20, jitter: 'none' },
        budget: false,
        target: { system: 'mysql', address: '127.0.0.1', port: upstreamPort, namespace: 'test' },
        logger: recordingLogger().logger,
      });
      await trace.getTracer('spec').startActiveSpan('demo request', async (request) => {
        try {
          await manager.ready();
        } finally {
          request.end();
        }
      });
      await manager.close();
    } finally {
      await telemetry.shutdown();
      await new Promise<void>((resolve) => {
        upstream.close(() => {
          resolve();
        });
      });
      await receiver.close();
    }

    contentTypes = receiver.requests.map((r) => String(r.headers['content-type']));
    const traces = receiver.requests
      .filter((r) => r.path === '/v1/traces')
      .map((r) => decodeTraces(r.body));
    const resourceSpans = traces.flatMap((t) => t.resourceSpans ?? []);
    resource = attributesOf(resourceSpans[0]?.resource?.attributes);
    scopes = resourceSpans.flatMap((r) => (r.scopeSpans ?? []).map((s) => s.scope?.name ?? ''));
    spans = resourceSpans.flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));

    const metrics = receiver.requests
      .filter((r) => r.path === '/v1/metrics')
      .map((r) => decodeMetrics(r.body))
      .flatMap((m) => m.resourceMetrics ?? [])
      .flatMap((r) => r.scopeMetrics ?? [])
      .flatMap((s) => s.metrics ?? []);
    metricNames = new Map(metrics.map((m) => [m.name, m.unit]));
    attemptPoints = metrics
      .filter((m) => m.name === 'holdfast.attempts')
      .flatMap((m) => m.sum?.dataPoints ?? [])
      .map((p) => ({ attributes: attributesOf(p.attributes), value: p.asDouble ?? p.asInt ?? 0 }));
  });

  function span(name: string): OtlpSpan {
    const found = spans.find((s) => s.name === name);
    if (found === undefined)
      throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
    return found;
  }

  it('posts protobuf to /v1/traces and /v1/metrics', () => {
    expect(contentTypes).to.have.length.greaterThanOrEqual(2);
    for (const type of contentTypes) expect(type).to.equal('application/x-protobuf');
  });

  it("carries the demo's service.name and holdfast's instrumentation scope", () => {
    expect(resource['service.name']).to.equal('holdfast-otlp-spec');
    expect(scopes).to.include('holdfast');
  });

  it("nests the connect span under the application's active span", () => {
    const request = span('demo request');
    const connect = span('connect mysql-main');
    expect(hex(request.parentSpanId)).to.equal('');
    expect(hex(connect.parentSpanId)).to.equal(hex(request.spanId));
    expect(hex(connect.traceId)).to.equal(hex(request.traceId));
    expect(connect.kind).to.equal(otlpSpanKind.internal);
    expect(attributesOf(connect.attributes)).to.include({
      'db.system.name': 'mysql',
      'server.address': '127.0.0.1',
      'db.namespace': 'test',
      'holdfast.target': 'mysql-main',
      'holdfast.operation': 'connect',
      'holdfast.attempt.count': 3,
    });
  });

  it('holds three CLIENT attempt spans, the first two refused, as children of the connect span', () => {
    const connect = span('connect mysql-main');
    const attempts = [1, 2, 3].map((n) => span(`connect mysql-main attempt ${n}`));
    for (const attempt of attempts) {
      expect(hex(attempt.parentSpanId)).to.equal(hex(connect.spanId));
      expect(attempt.kind).to.equal(otlpSpanKind.client);
    }
    expect(attempts.map((a) => a.status?.code ?? otlpStatusCode.unset)).to.deep.equal([
      otlpStatusCode.error,
      otlpStatusCode.error,
      otlpStatusCode.unset,
    ]);
    expect(attempts.map((a) => attributesOf(a.attributes)['holdfast.attempt'])).to.deep.equal([
      1, 2, 3,
    ]);
    expect(attempts.map((a) => attributesOf(a.attributes)['error.type'])).to.deep.equal([
      'ECONNREFUSED',
      'ECONNREFUSED',
      undefined,
    ]);
    expect(
      attempts.map((a) => attributesOf(a.attributes)['holdfast.retry.delay_ms']),
    ).to.deep.equal([undefined, 20, 40]);
    expect(attempts[0]?.events?.map((e) => e.name)).to.deep.equal(['exception']);
  });

  it('records the two retry.scheduled events on the connect span', () => {
    const events = span('connect mysql-main').events ?? [];
    expect(
      events.filter((e) => e.name === 'retry.scheduled').map((e) => attributesOf(e.attributes)),
    ).to.deep.equal([
      { 'holdfast.retry': 1, 'holdfast.retry.delay_ms': 20, 'error.type': 'ECONNREFUSED' },
      { 'holdfast.retry': 2, 'holdfast.retry.delay_ms': 40, 'error.type': 'ECONNREFUSED' },
    ]);
  });

  it('exports the holdfast metrics with their units and the attempt counts', () => {
    expect(metricNames.get('holdfast.attempts')).to.equal('{attempt}');
    expect(metricNames.get('holdfast.retries')).to.equal('{retry}');
    expect(metricNames.get('holdfast.connect.duration')).to.equal('s');
    expect(metricNames.has('holdfast.connection.state')).to.equal(true);
    // The provider is global for the whole mocha process: count this manager's points only, and
    // name any other target that recorded attempts meanwhile (a client an earlier spec left open).
    const count = (outcome: string): number =>
      attemptPoints
        .filter(
          (p) =>
            p.attributes['holdfast.outcome'] === outcome &&
            p.attributes['holdfast.target'] === 'mysql-main',
        )
        .reduce((sum, p) => sum + p.value, 0);
    const others = [...new Set(attemptPoints.map((p) => String(p.attributes['holdfast.target'])))];
    expect([count('failure'), count('success')], `targets: ${others.join(', ')}`).to.deep.equal([
      2, 1,
    ]);
  });
});
