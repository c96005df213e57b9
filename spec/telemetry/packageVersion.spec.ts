import { readFileSync } from 'node:fs';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { createInstrumentation } from '../../src/telemetry/createInstrumentation.js';
import { silentLogger } from '../../src/telemetry/Logger.js';
import { packageVersion } from '../../src/telemetry/packageVersion.js';

const manifest = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

describe('packageVersion', () => {
  it("is package.json's version", () => {
    expect(packageVersion).to.equal(manifest.version);
  });

  it('is the instrumentation scope version of the default tracer', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    try {
      const op = createInstrumentation({ name: 'mysql-main' }, { logger: silentLogger }).operation(
        'execute',
        'fetch',
      );
      op.succeed(1);
      const [span] = exporter.getFinishedSpans();
      expect(span?.instrumentationScope).to.deep.include({
        name: 'holdfast',
        version: manifest.version,
      });
    } finally {
      trace.disable();
    }
  });
});
