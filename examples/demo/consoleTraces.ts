// Traces on the console, readable next to the state stream: one line per finished `connect`
// operation span (all its attempts), and per operation that needed more than one attempt.
// Every attempt is a child span; Jaeger shows the whole tree (OTEL_EXPORTER_OTLP_ENDPOINT).
import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { dim, red } from './paint.js';

type ExportDone = Parameters<SpanExporter['export']>[1];
/** ExportResultCode.SUCCESS (from @opentelemetry/core, which the demo does not depend on). */
const success = 0 as Parameters<ExportDone>[0]['code'];

class CompactExporter implements SpanExporter {
  constructor(private readonly print: (line: string) => void) {}

  export(spans: ReadableSpan[], done: ExportDone): void {
    for (const span of spans) {
      const attributes = span.attributes;
      if (attributes['holdfast.attempt'] !== undefined) continue; // an attempt: its parent says it all
      const attempts = Number(attributes['holdfast.attempt.count'] ?? 1);
      if (!span.name.startsWith('connect ') && attempts <= 1) continue;
      const [seconds, nanos] = span.duration;
      const ms = seconds * 1000 + nanos / 1e6;
      const failed = span.status.code === SpanStatusCode.ERROR;
      const retries = span.events.filter((e) => e.name === 'retry.scheduled').length;
      const text = `trace  ${span.name}: ${attempts} attempt${attempts === 1 ? '' : 's'}, ${retries} retr${
        retries === 1 ? 'y' : 'ies'
      }, ${ms.toFixed(0)} ms, ${failed ? 'ERROR' : 'OK'} (trace ${span.spanContext().traceId.slice(0, 8)})`;
      this.print(failed ? red(text) : dim(text));
    }
    done({ code: success });
  }

  async shutdown(): Promise<void> {
    return undefined;
  }
}

/** A tracer for the demo's clients that prints compact span lines; not registered globally. */
export function consoleTracer(print: (line: string) => void): {
  tracer: Tracer;
  shutdown: () => Promise<void>;
} {
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new CompactExporter(print))],
  });
  return { tracer: provider.getTracer('holdfast'), shutdown: () => provider.shutdown() };
}
