// Traces on the console, readable next to the state stream: one line per finished `connect`
// operation span (all its attempts), and per operation that needed more than one attempt.
// Every attempt is a child span; Jaeger shows the whole tree (OTEL_EXPORTER_OTLP_ENDPOINT).
import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { dim, red } from './paint.js';

/** Prints a line when an operation span ends (attempt spans are folded into their parent). */
class CompactPrinter implements SpanProcessor {
  constructor(private readonly print: (line: string) => void) {}

  onStart(): void {
    return undefined;
  }

  onEnd(span: ReadableSpan): void {
    const attributes = span.attributes;
    if (attributes['holdfast.attempt'] !== undefined) return;
    const attempts = Number(attributes['holdfast.attempt.count'] ?? 1);
    if (!span.name.startsWith('connect ') && attempts <= 1) return;
    const [seconds, nanos] = span.duration;
    const ms = seconds * 1000 + nanos / 1e6;
    const failed = span.status.code === SpanStatusCode.ERROR;
    const retries = span.events.filter((e) => e.name === 'retry.scheduled').length;
    const text = `trace  ${span.name}: ${attempts} attempt${attempts === 1 ? '' : 's'}, ${retries} retr${
      retries === 1 ? 'y' : 'ies'
    }, ${ms.toFixed(0)} ms, ${failed ? 'ERROR' : 'OK'} (trace ${span.spanContext().traceId.slice(0, 8)})`;
    this.print(failed ? red(text) : dim(text));
  }

  async forceFlush(): Promise<void> {
    return undefined;
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
    spanProcessors: [new CompactPrinter(print)],
  });
  return { tracer: provider.getTracer('holdfast'), shutdown: () => provider.shutdown() };
}
