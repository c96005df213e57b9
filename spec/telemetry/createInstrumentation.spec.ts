import { SpanKind, SpanStatusCode, context, trace, type HrTime } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import sinon from 'sinon';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { createInstrumentation } from '../../src/telemetry/createInstrumentation.js';
import type { Instrumentation } from '../../src/telemetry/Instrumentation.js';
import { seqRandom } from '../helpers/seqRandom.js';
import {
  type TelemetryCapture,
  captureTelemetry,
  histogramTotals,
  metricSum,
  metricUnit,
} from '../helpers/telemetry.js';

const T0 = Date.UTC(2030, 0, 1);
const target = {
  name: 'mysql-main',
  system: 'mysql',
  address: 'db.internal',
  port: 3306,
  namespace: 'shop',
} as const;

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:3306'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
  });
}

function ms(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  if (found === undefined)
    throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
  return found;
}

/** A connect function that fails `failures` times with ECONNREFUSED, then returns 'conn'. */
function flaky(failures: number): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      calls += 1;
      return calls <= failures ? Promise.reject(refused()) : Promise.resolve('conn');
    },
    calls: () => calls,
  };
}

describe('createInstrumentation', () => {
  let clock: sinon.SinonFakeTimers;
  let capture: TelemetryCapture;
  let instrumentation: Instrumentation;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    capture = captureTelemetry();
    instrumentation = createInstrumentation(target, {
      tracer: capture.tracer,
      meter: capture.meter,
      logger: capture.log.logger,
    });
  });

  afterEach(async () => {
    clock.restore();
    await capture.shutdown();
  });

  function handler(maxRetries = 3): RetryHandler {
    return new RetryHandler({
      name: 'mysql-main',
      maxRetries,
      baseDelayMs: 1000,
      jitter: 'none',
      instrumentation,
      random: seqRandom([0.5]),
    });
  }

  for (const path of ['direct (telemetry opened late)', 'looped (telemetry opened first)']) {
    describe(`fails twice, then connects, ${path}`, () => {
      async function run(): Promise<void> {
        const connect = flaky(2);
        const options = path.startsWith('direct')
          ? ({ kind: 'connect', scope: 'connect' } as const)
          : ({ kind: 'connect', scope: 'connect', signal: new AbortController().signal } as const);
        const result = handler().execute(connect.fn, 'mysql-main', options);
        await clock.tickAsync(3000);
        expect(await result).to.equal('conn');
        expect(connect.calls()).to.equal(3);
      }

      it('emits one INTERNAL parent span and three CLIENT attempt children', async () => {
        await run();
        const spans = capture.spans();
        expect(spans.map((s) => s.name).sort()).to.deep.equal([
          'connect mysql-main',
          'connect mysql-main attempt 1',
          'connect mysql-main attempt 2',
          'connect mysql-main attempt 3',
        ]);
        const parent = byName(spans, 'connect mysql-main');
        expect(parent.kind).to.equal(SpanKind.INTERNAL);
        expect(parent.parentSpanContext).to.equal(undefined);
        for (const n of [1, 2, 3]) {
          const child = byName(spans, `connect mysql-main attempt ${n}`);
          expect(child.kind).to.equal(SpanKind.CLIENT);
          expect(child.parentSpanContext?.spanId).to.equal(parent.spanContext().spanId);
          expect(child.spanContext().traceId).to.equal(parent.spanContext().traceId);
          expect(child.attributes['holdfast.attempt']).to.equal(n);
        }
      });

      it('puts the target attributes on every span', async () => {
        await run();
        for (const span of capture.spans()) {
          expect(span.attributes).to.include({
            'db.system.name': 'mysql',
            'server.address': 'db.internal',
            'server.port': 3306,
            'db.namespace': 'shop',
            'holdfast.target': 'mysql-main',
          });
        }
        const parent = byName(capture.spans(), 'connect mysql-main');
        expect(parent.attributes).to.include({
          'holdfast.operation': 'connect',
          'holdfast.attempt.count': 3,
        });
      });

      it('marks the failed attempts ERROR with error.type and an exception event', async () => {
        await run();
        for (const n of [1, 2]) {
          const attempt = byName(capture.spans(), `connect mysql-main attempt ${n}`);
          expect(attempt.status.code).to.equal(SpanStatusCode.ERROR);
          expect(attempt.attributes).to.include({
            'error.type': 'ECONNREFUSED',
            'holdfast.error.kind': 'transient',
          });
          expect(attempt.attributes).not.to.have.property('db.response.status_code');
          const exception = attempt.events.find((e) => e.name === 'exception');
          expect(exception?.attributes?.['exception.type']).to.equal('Error');
        }
        const last = byName(capture.spans(), 'connect mysql-main attempt 3');
        expect(last.status.code).to.equal(SpanStatusCode.UNSET);
        expect(last.events).to.deep.equal([]);
        expect(byName(capture.spans(), 'connect mysql-main').status.code).to.equal(
          SpanStatusCode.UNSET,
        );
      });

      it('records retry.scheduled events with the delays and the waits on the next attempts', async () => {
        await run();
        const parent = byName(capture.spans(), 'connect mysql-main');
        const retries = parent.events.filter((e) => e.name === 'retry.scheduled');
        expect(retries.map((e) => e.attributes)).to.deep.equal([
          { 'holdfast.retry': 1, 'holdfast.retry.delay_ms': 1000, 'error.type': 'ECONNREFUSED' },
          { 'holdfast.retry': 2, 'holdfast.retry.delay_ms': 2000, 'error.type': 'ECONNREFUSED' },
        ]);
        // before the wait: the event is stamped when attempt n failed, not when n+1 starts
        expect(retries.map((e) => ms(e.time) - T0)).to.deep.equal([0, 1000]);
        const spans = capture.spans();
        expect(byName(spans, 'connect mysql-main attempt 1').attributes).not.to.have.property(
          'holdfast.retry.delay_ms',
        );
        expect(
          byName(spans, 'connect mysql-main attempt 2').attributes['holdfast.retry.delay_ms'],
        ).to.equal(1000);
        expect(
          byName(spans, 'connect mysql-main attempt 3').attributes['holdfast.retry.delay_ms'],
        ).to.equal(2000);
      });

      it('times the spans with the clock: attempts at 0, 1000 and 3000 ms inside the parent', async () => {
        await run();
        const spans = capture.spans();
        const parent = byName(spans, 'connect mysql-main');
        expect(ms(parent.startTime) - T0).to.equal(0);
        expect(ms(parent.endTime) - T0).to.equal(3000);
        expect(
          [1, 2, 3].map((n) => ms(byName(spans, `connect mysql-main attempt ${n}`).startTime) - T0),
        ).to.deep.equal([0, 1000, 3000]);
      });

      it('counts attempts by outcome, retries and the connect duration', async () => {
        await run();
        const metrics = await capture.collect();
        expect(
          metricSum(metrics, 'holdfast.attempts', {
            'holdfast.target': 'mysql-main',
            'holdfast.operation': 'connect',
            'holdfast.outcome': 'failure',
            'error.type': 'ECONNREFUSED',
            'holdfast.error.kind': 'transient',
          }),
        ).to.equal(2);
        expect(metricSum(metrics, 'holdfast.attempts', { 'holdfast.outcome': 'success' })).to.equal(
          1,
        );
        expect(
          metricSum(metrics, 'holdfast.retries', { 'holdfast.target': 'mysql-main' }),
        ).to.equal(2);
        expect(
          histogramTotals(metrics, 'holdfast.connect.duration', { 'holdfast.outcome': 'success' }),
        ).to.deep.equal({ count: 1, sum: 3 });
        expect(metricUnit(metrics, 'holdfast.connect.duration')).to.equal('s');
      });

      it('logs the reference lines and a WARN per retry with attempt, delay and code', async () => {
        await run();
        expect(
          capture.log.lines.filter((l) => l.level !== 'debug').map((l) => [l.level, l.message]),
        ).to.deep.equal([
          ['info', 'Attempting to connect to mysql-main'],
          [
            'warn',
            'Attempt 1 of connect mysql-main failed, retrying in 1000 ms: connect ECONNREFUSED 10.0.0.9:3306',
          ],
          [
            'warn',
            'Attempt 2 of connect mysql-main failed, retrying in 2000 ms: connect ECONNREFUSED 10.0.0.9:3306',
          ],
          ['info', 'Successfully connected to mysql-main'],
        ]);
        const warn = capture.log.lines.find((l) => l.level === 'warn');
        expect(warn?.fields).to.include({ attempt: 1, delayMs: 1000, errorCode: 'ECONNREFUSED' });
      });

      it('ends every span exactly once', async () => {
        const ends = new Map<string, number>();
        const counting = {
          ...capture.tracer,
          startSpan: (...args: Parameters<typeof capture.tracer.startSpan>) => {
            const span = capture.tracer.startSpan(...args);
            const end = span.end.bind(span);
            span.end = (time) => {
              ends.set(args[0], (ends.get(args[0]) ?? 0) + 1);
              end(time);
            };
            return span;
          },
        };
        instrumentation = createInstrumentation(target, {
          tracer: counting,
          meter: capture.meter,
          logger: capture.log.logger,
        });
        await run();
        expect([...ends.values()]).to.deep.equal([1, 1, 1, 1]);
      });
    });
  }

  describe('span times', () => {
    it('keeps fractions of a millisecond from the clock (sub-millisecond spans)', () => {
      let now = T0 + 0.25;
      const fine = createInstrumentation(target, {
        tracer: capture.tracer,
        logger: capture.log.logger,
        clock: { now: () => now, setTimeout, clearTimeout },
      });
      const op = fine.operation('execute', 'fetch');
      const attempt = op.attempt(1);
      now += 0.5;
      attempt.succeed();
      op.succeed(1);
      const span = byName(capture.spans(), 'execute fetch attempt 1');
      expect(ms(span.startTime) - T0).to.be.closeTo(0.25, 1e-6);
      expect(ms(span.endTime) - T0).to.be.closeTo(0.75, 1e-6);
    });
  });

  describe('when every attempt fails', () => {
    it('ends the parent ERROR after maxRetries + 1 attempts and logs the reference ERROR line', async () => {
      const connect = flaky(99);
      const result = handler(3).execute(connect.fn, 'mysql-main', {
        kind: 'connect',
        scope: 'connect',
      });
      const settled = result.then(
        () => undefined,
        (error: unknown) => error,
      );
      await clock.tickAsync(1000 + 2000 + 4000);
      expect(await settled).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
      const spans = capture.spans();
      expect(spans).to.have.length(5);
      const parent = byName(spans, 'connect mysql-main');
      expect(parent.status.code).to.equal(SpanStatusCode.ERROR);
      expect(parent.attributes).to.include({
        'error.type': 'ECONNREFUSED',
        'holdfast.attempt.count': 4,
      });
      expect(capture.log.messages('error')).to.deep.equal([
        'Failed to connect to mysql-main after 3 retries: connect ECONNREFUSED 10.0.0.9:3306',
      ]);
      // Each exception once, on the attempt that failed; the parent has status and error.type.
      const exceptions = (span: ReadableSpan): number =>
        span.events.filter((event) => event.name === 'exception').length;
      expect(exceptions(parent)).to.equal(0);
      expect(spans.filter((span) => span !== parent).map(exceptions)).to.deep.equal([1, 1, 1, 1]);
      const metrics = await capture.collect();
      expect(metricSum(metrics, 'holdfast.attempts', { 'holdfast.outcome': 'failure' })).to.equal(
        4,
      );
      expect(metricSum(metrics, 'holdfast.retries')).to.equal(3);
      expect(
        histogramTotals(metrics, 'holdfast.connect.duration', { 'holdfast.outcome': 'failure' }),
      ).to.deep.equal({ count: 1, sum: 7 });
    });
  });

  describe('when the error is fatal', () => {
    it('makes one attempt carrying db.response.status_code and the fatal kind', async () => {
      const denied = Object.assign(
        new Error("Access denied for user 'app'@'10.0.0.2' (using password: YES)"),
        { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, sqlState: '28000' },
      );
      const result = handler().execute(() => Promise.reject(denied), 'mysql-main', {
        kind: 'connect',
        scope: 'connect',
      });
      await result.then(
        () => expect.fail('should reject'),
        (error: unknown) => {
          expect(error).to.equal(denied);
        },
      );
      const attempt = byName(capture.spans(), 'connect mysql-main attempt 1');
      expect(attempt.attributes).to.include({
        'error.type': 'ER_ACCESS_DENIED_ERROR',
        'db.response.status_code': '1045',
        'holdfast.error.kind': 'fatal',
      });
      expect(capture.log.messages('error')).to.deep.equal([
        "Failed to connect to mysql-main after 0 retries: Access denied for user 'app'@'10.0.0.2' (using password: YES)",
      ]);
    });
  });

  describe('parents', () => {
    it('opens a root span when no span is active', () => {
      const op = instrumentation.operation('execute', 'fetch users');
      op.attempt(1).succeed();
      op.succeed(1);
      const parent = byName(capture.spans(), 'execute fetch users');
      expect(parent.parentSpanContext).to.equal(undefined);
      expect(
        byName(capture.spans(), 'execute fetch users attempt 1').parentSpanContext?.spanId,
      ).to.equal(parent.spanContext().spanId);
    });

    it('nests the attempts under the operation without a context manager', () => {
      const outer = capture.tracer.startSpan('GET /users');
      // No context manager is registered, so this cannot make `outer` active...
      const op = context.with(trace.setSpan(context.active(), outer), () =>
        instrumentation.operation('execute', 'fetch users'),
      );
      const attempt = op.attempt(1);
      attempt.succeed();
      op.succeed(1);
      outer.end();
      const parent = byName(capture.spans(), 'execute fetch users');
      // ...yet the attempt, whose parent is passed explicitly, is still the operation's child.
      expect(parent.parentSpanContext).to.equal(undefined);
      expect(
        byName(capture.spans(), 'execute fetch users attempt 1').parentSpanContext?.spanId,
      ).to.equal(parent.spanContext().spanId);
    });

    describe('with a context manager', () => {
      beforeEach(() => {
        context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      });
      afterEach(() => {
        context.disable();
      });

      it("nests the operation under the caller's active span and runs attempts inside theirs", () => {
        const outer = capture.tracer.startSpan('GET /users');
        let inner: string | undefined;
        context.with(trace.setSpan(context.active(), outer), () => {
          const op = instrumentation.operation('execute', 'fetch users');
          const attempt = op.attempt(1);
          inner = attempt.run?.(() => trace.getSpan(context.active())?.spanContext().spanId);
          attempt.succeed();
          op.succeed(1);
        });
        outer.end();
        const parent = byName(capture.spans(), 'execute fetch users');
        const child = byName(capture.spans(), 'execute fetch users attempt 1');
        expect(parent.parentSpanContext?.spanId).to.equal(outer.spanContext().spanId);
        expect(inner).to.equal(child.spanContext().spanId);
      });
    });
  });

  describe('startTimeMs', () => {
    it('back-dates the operation and its attempt to the given time', () => {
      const op = instrumentation.operation('execute', 'fetch users', T0 - 250);
      op.attempt(1, T0 - 250).fail(refused(), {
        kind: 'transient',
        reason: 'x',
        connectionLost: true,
      });
      op.fail(refused(), 1);
      for (const span of capture.spans()) expect(ms(span.startTime)).to.equal(T0 - 250);
    });
  });

  describe('exactly once', () => {
    it('ignores a second end and anything after it', async () => {
      const op = instrumentation.operation('connect', 'mysql-main');
      op.attempt(1).succeed();
      op.succeed(1);
      op.succeed(1);
      op.fail(refused(), 1);
      op.retryScheduled(1, 10, refused());
      op.event('circuit.opened');
      op.attempt(2).fail(refused(), { kind: 'transient', reason: 'x', connectionLost: true });
      expect(capture.spans().map((s) => s.name)).to.deep.equal([
        'connect mysql-main attempt 1',
        'connect mysql-main',
      ]);
      expect(capture.log.messages('info')).to.deep.equal([
        'Attempting to connect to mysql-main',
        'Successfully connected to mysql-main',
      ]);
      const metrics = await capture.collect();
      expect(metricSum(metrics, 'holdfast.attempts')).to.equal(1);
    });

    it('ends an attempt left open when its operation fails (an abort mid-attempt)', () => {
      const op = instrumentation.operation('execute', 'fetch users');
      const attempt = op.attempt(1);
      const abort = Object.assign(new Error('aborted'), { code: 'ERR_HOLDFAST_ABORTED' });
      op.fail(abort, 1);
      attempt.succeed();
      const spans = capture.spans();
      expect(spans.map((s) => s.name)).to.deep.equal([
        'execute fetch users attempt 1',
        'execute fetch users',
      ]);
      expect(spans[0]?.status.code).to.equal(SpanStatusCode.ERROR);
      expect(spans[0]?.attributes['error.type']).to.equal('ERR_HOLDFAST_ABORTED');
    });
  });

  describe('events', () => {
    it('adds breaker and budget events to the operation span, namespacing bare keys', () => {
      const op = instrumentation.operation('execute', 'fetch users');
      op.event('circuit.opened', { 'holdfast.circuit.state': 'open' });
      op.event('budget.exhausted', { retry: 2 });
      op.fail(refused(), 2);
      const parent = byName(capture.spans(), 'execute fetch users');
      expect(
        parent.events.filter((e) => e.name !== 'exception').map((e) => [e.name, e.attributes]),
      ).to.deep.equal([
        ['circuit.opened', { 'holdfast.circuit.state': 'open' }],
        ['budget.exhausted', { 'holdfast.retry': 2 }],
      ]);
    });
  });

  describe('a span that does not record', () => {
    it('builds no attributes', () => {
      const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
      let reads = 0;
      const counted = {
        name: 'mysql-main',
        get address() {
          reads += 1;
          return 'db.internal';
        },
      };
      const silent = createInstrumentation(counted, {
        tracer: provider.getTracer('x'),
        meter: capture.meter,
      });
      const op = silent.operation('connect', 'mysql-main');
      op.attempt(1).fail(refused(), { kind: 'transient', reason: 'x', connectionLost: true });
      op.retryScheduled(1, 10, refused());
      op.attempt(2).succeed();
      op.succeed(2);
      expect(reads).to.equal(0);
    });
  });

  describe('stateChanged', () => {
    it('counts the component in its current state only, and nowhere once closed', async () => {
      for (const [status, previous] of [
        ['connecting', 'idle'],
        ['retrying', 'connecting'],
        ['connecting', 'retrying'],
        ['connected', 'connecting'],
      ] as const) {
        instrumentation.stateChanged(status, previous);
      }
      let metrics = await capture.collect();
      const state = (s: string): number =>
        metricSum(metrics, 'holdfast.connection.state', {
          'holdfast.target': 'mysql-main',
          'holdfast.connection.state': s,
        });
      expect(['connecting', 'retrying', 'connected'].map(state)).to.deep.equal([0, 0, 1]);
      instrumentation.stateChanged('closed', 'connected');
      metrics = await capture.collect();
      expect(['connecting', 'retrying', 'connected', 'closed'].map(state)).to.deep.equal([
        0, 0, 0, 0,
      ]);
      expect(capture.log.messages('debug')).to.include('mysql-main: connecting -> connected');
    });
  });

  describe('circuitChanged', () => {
    it('moves the breaker between states in holdfast.circuit.state and warns when it opens', async () => {
      instrumentation.circuitChanged?.('closed', undefined);
      instrumentation.circuitChanged?.('open', 'closed');
      instrumentation.circuitChanged?.('half-open', 'open');
      const metrics = await capture.collect();
      const state = (s: string): number =>
        metricSum(metrics, 'holdfast.circuit.state', { 'holdfast.circuit.state': s });
      expect(['closed', 'open', 'half-open'].map(state)).to.deep.equal([0, 0, 1]);
      expect(capture.log.messages('warn')).to.deep.equal([
        'Circuit breaker for mysql-main is open',
      ]);
      expect(capture.log.messages('info')).to.deep.equal([
        'Circuit breaker for mysql-main is half-open',
      ]);
    });
  });

  describe('sharedStoreChanged', () => {
    it('warns once the fleet store fails, with the operation and a redacted error, and tells when it answers again', () => {
      const error = Object.assign(new Error('connect ECONNREFUSED redis://:s3cret@10.0.0.9:6379'), {
        code: 'ECONNREFUSED',
      });
      instrumentation.sharedStoreChanged?.('retry budget', 'applyBudget', error);
      instrumentation.sharedStoreChanged?.('retry budget', undefined);
      const [warning] = capture.log.messages('warn');
      expect(warning)
        .to.include('The shared retry budget store of mysql-main failed (applyBudget)')
        .and.include('ECONNREFUSED')
        .and.include("going on with this process's own state");
      expect(warning).not.to.include('s3cret');
      expect(capture.log.messages('info')).to.deep.equal([
        'The shared retry budget store of mysql-main answers again',
      ]);
    });
  });

  describe('observeBudget', () => {
    it('reports the tokens at each collection until stopped', async () => {
      let tokens = 10;
      const stop = instrumentation.observeBudget?.(() => tokens);
      expect(
        metricSum(await capture.collect(), 'holdfast.budget.tokens', {
          'holdfast.target': 'mysql-main',
        }),
      ).to.equal(10);
      tokens = 4;
      expect(metricSum(await capture.collect(), 'holdfast.budget.tokens')).to.equal(4);
      stop?.();
      tokens = 1;
      // the SDK keeps a cumulative gauge's last point; what matters is that 1 is never read
      expect(metricSum(await capture.collect(), 'holdfast.budget.tokens')).to.equal(4);
    });

    it('stops when the instrumentation is closed', async () => {
      instrumentation.observeBudget?.(() => 7);
      instrumentation.close?.();
      expect(metricSum(await capture.collect(), 'holdfast.budget.tokens')).to.equal(0);
    });
  });

  describe('logger', () => {
    it('keeps working when the logger throws', () => {
      const throwing = createInstrumentation(target, {
        tracer: capture.tracer,
        meter: capture.meter,
        logger: {
          info: () => {
            throw new Error('disk full');
          },
          warn: () => undefined,
          error: () => undefined,
        },
      });
      const op = throwing.operation('connect', 'mysql-main');
      op.attempt(1).succeed();
      op.succeed(1);
      expect(capture.spans()).to.have.length(2);
    });
  });
});
