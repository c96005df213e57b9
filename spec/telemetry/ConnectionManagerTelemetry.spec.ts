// The span tree, metrics and log lines of a ConnectionManager's connect cycle, end to end
// through createInstrumentation (the manager builds its instrumentation from tracer/meter/logger).
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import sinon from 'sinon';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import {
  type TelemetryCapture,
  captureTelemetry,
  histogramTotals,
  metricSum,
} from '../helpers/telemetry.js';

const T0 = Date.UTC(2030, 0, 1);

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:3306'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
  });
}

const ms = (time: HrTime): number => time[0] * 1000 + time[1] / 1e6;

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no span ${name}`);
  return found;
}

describe('ConnectionManager telemetry', () => {
  let clock: sinon.SinonFakeTimers;
  let capture: TelemetryCapture;
  let manager: ConnectionManager<{ id: number }>;
  let calls: number;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    capture = captureTelemetry();
    calls = 0;
    manager = new ConnectionManager<{ id: number }>({
      name: 'mysql-main',
      connect: () => {
        calls += 1;
        return calls <= 2 ? Promise.reject(refused()) : Promise.resolve({ id: calls });
      },
      retry: { maxRetries: 3, baseDelayMs: 1000, jitter: 'none' },
      budget: false,
      target: { system: 'mysql', address: 'db.internal', port: 3306, namespace: 'shop' },
      tracer: capture.tracer,
      meter: capture.meter,
      logger: capture.log.logger,
    });
  });

  afterEach(async () => {
    await manager.close();
    clock.restore();
    await capture.shutdown();
  });

  describe('fails twice, then connects', () => {
    async function connect(): Promise<void> {
      const ready = manager.ready();
      await clock.tickAsync(3000);
      expect(await ready).to.deep.equal({ id: 3 });
    }

    it('emits one parent span and three attempt children with the right statuses', async () => {
      await connect();
      const spans = capture.spans();
      const parent = byName(spans, 'connect mysql-main');
      expect(parent.kind).to.equal(SpanKind.INTERNAL);
      expect(parent.status.code).to.equal(SpanStatusCode.UNSET);
      expect(parent.attributes).to.include({
        'db.system.name': 'mysql',
        'server.address': 'db.internal',
        'server.port': 3306,
        'db.namespace': 'shop',
        'holdfast.target': 'mysql-main',
        'holdfast.attempt.count': 3,
      });
      const attempts = [1, 2, 3].map((n) => byName(spans, `connect mysql-main attempt ${n}`));
      expect(attempts.map((a) => a.kind)).to.deep.equal([
        SpanKind.CLIENT,
        SpanKind.CLIENT,
        SpanKind.CLIENT,
      ]);
      expect(attempts.map((a) => a.parentSpanContext?.spanId)).to.deep.equal(
        Array(3).fill(parent.spanContext().spanId),
      );
      expect(attempts.map((a) => a.status.code)).to.deep.equal([
        SpanStatusCode.ERROR,
        SpanStatusCode.ERROR,
        SpanStatusCode.UNSET,
      ]);
      expect(attempts.map((a) => a.attributes['holdfast.attempt'])).to.deep.equal([1, 2, 3]);
      expect(attempts.map((a) => a.attributes['error.type'])).to.deep.equal([
        'ECONNREFUSED',
        'ECONNREFUSED',
        undefined,
      ]);
      expect(attempts.map((a) => ms(a.startTime) - T0)).to.deep.equal([0, 1000, 3000]);
      expect(
        parent.events
          .filter((e) => e.name === 'retry.scheduled')
          .map((e) => e.attributes?.['holdfast.retry.delay_ms']),
      ).to.deep.equal([1000, 2000]);
      expect(spans).to.have.length(4);
    });

    it('records metrics that match: 2 failures, 1 success, 2 retries, 3 s to connect, connected', async () => {
      await connect();
      const metrics = await capture.collect();
      expect(metricSum(metrics, 'holdfast.attempts', { 'holdfast.outcome': 'failure' })).to.equal(
        2,
      );
      expect(metricSum(metrics, 'holdfast.attempts', { 'holdfast.outcome': 'success' })).to.equal(
        1,
      );
      expect(metricSum(metrics, 'holdfast.retries')).to.equal(2);
      expect(histogramTotals(metrics, 'holdfast.connect.duration')).to.deep.equal({
        count: 1,
        sum: 3,
      });
      const state = (s: string): number =>
        metricSum(metrics, 'holdfast.connection.state', { 'holdfast.connection.state': s });
      expect(['connecting', 'retrying', 'connected'].map(state)).to.deep.equal([0, 0, 1]);
    });

    it('logs the reference INFO lines around two WARN retries', async () => {
      await connect();
      expect(
        capture.log.lines.filter((l) => l.level !== 'debug').map((l) => l.level),
      ).to.deep.equal(['info', 'warn', 'warn', 'info']);
      expect(capture.log.messages('info')).to.deep.equal([
        'Attempting to connect to mysql-main',
        'Successfully connected to mysql-main',
      ]);
    });

    it('stops counting the manager once it is closed', async () => {
      await connect();
      await manager.close();
      const metrics = await capture.collect();
      expect(
        metricSum(metrics, 'holdfast.connection.state', {
          'holdfast.connection.state': 'connected',
        }),
      ).to.equal(0);
    });
  });
});
