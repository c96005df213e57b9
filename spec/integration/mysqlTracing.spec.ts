// holdfast/mysql2 with @opentelemetry/instrumentation-mysql2 (the OpenTelemetry contrib
// instrumentation users register): a read whose connection is killed mid-statement is re-sent,
// and the trace shows one holdfast operation span with one child per attempt, the re-sent
// statement's mysql2 span under its attempt. The instrumentation patches mysql2's
// Connection.prototype, which holdfast's per-instance methods call at call time.
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2';
import { createPool } from '../../src/mysql2/promise.js';

const shared = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;
const require = createRequire(import.meta.url);
// The file the instrumentation hooks; loaded by path (mysql2's exports map hides it).
const connectionModule = require(
  require.resolve('mysql2').replace(/index\.js$/, 'lib/connection.js'),
) as unknown;

describe('holdfast/mysql2 with @opentelemetry/instrumentation-mysql2 (integration)', function () {
  this.timeout(20_000);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  const instrumentation = new MySQL2Instrumentation({ enabled: false });
  const file = instrumentation
    .getModuleDefinitions()
    .flatMap((definition) => definition.files)
    .find((candidate) => candidate.name === 'mysql2/lib/connection.js');

  before(() => {
    context.setGlobalContextManager(contextManager.enable());
    instrumentation.setTracerProvider(provider);
    file?.patch(connectionModule, '3.24.6');
  });

  after(async () => {
    file?.unpatch(connectionModule, '3.24.6');
    contextManager.disable();
    context.disable();
    await provider.shutdown();
  });

  it('puts the re-sent statement under its attempt span, one holdfast span for the statement', async () => {
    const tracer = provider.getTracer('holdfast');
    const pool = createPool({ ...shared, name: 'hf15-tracing', connectionLimit: 2, tracer });
    const killer = createPool({ ...shared, name: 'hf15-tracing-killer', connectionLimit: 1 });
    try {
      const threads: number[] = [];
      pool.pool.on('connection', (connection) => threads.push(connection.threadId));
      await pool.query('SELECT 1');
      exporter.reset();
      const root = tracer.startSpan('request');
      const answer = context.with(trace.setSpan(context.active(), root), () =>
        pool.query<RowDataPacket[]>('SELECT SLEEP(0.4) AS slept'),
      );
      await delay(150);
      await killer.query(`KILL ${String(threads[0])}`);
      const [rows] = await answer;
      root.end();
      expect(rows[0]?.slept).to.equal(0);
      const spans = exporter.getFinishedSpans();
      const operation = spans.find((span) => span.name === 'execute SELECT SLEEP');
      expect(operation, spans.map((span) => span.name).join(', ')).to.not.equal(undefined);
      const attempts = spans.filter(
        (span) => span.parentSpanContext?.spanId === operation?.spanContext().spanId,
      );
      expect(attempts).to.have.length(2);
      const statements = spans.filter((span) => span.name.startsWith('SELECT'));
      const retried = attempts[1];
      expect(
        statements.filter(
          (span) => span.parentSpanContext?.spanId === retried?.spanContext().spanId,
        ),
        'the re-sent statement under attempt 2',
      ).to.have.length(1);
      // The operation is the request's child: one logical span for the statement.
      expect(operation?.parentSpanContext?.spanId).to.equal(root.spanContext().spanId);
    } finally {
      await pool.close();
      await killer.close();
    }
  });
});
