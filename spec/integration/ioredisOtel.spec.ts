// @opentelemetry/instrumentation-ioredis with a holdfast client, no loader hook: ioredis's spans
// nest under holdfast's connect-attempt span, and a command under the caller's span. Run in a
// process of its own (spec/integration/fixtures/otelIoredis.ts), since the instrumentation
// patches ioredis only when ioredis is loaded after it is registered.
import { spawn } from 'node:child_process';
import { expect } from 'chai';

const repoRoot = new URL('../../', import.meta.url).pathname;

interface FinishedSpan {
  readonly name: string;
  readonly id: string;
  readonly parent?: string;
  readonly attributes: Record<string, unknown>;
}

function runFixture(): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'spec/integration/fixtures/otelIoredis.ts'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(output);
      else reject(new Error(`fixture exited with ${String(code)}: ${output}`));
    });
  });
}

describe('OpenTelemetry ioredis instrumentation on a holdfast client (integration, subprocess)', function () {
  this.timeout(40_000);
  let spans: FinishedSpan[];

  before(async () => {
    const output = await runFixture();
    spans = JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as FinishedSpan[];
  });

  const byName = (name: string): FinishedSpan[] => spans.filter((span) => span.name === name);

  it('nests ioredis’s connect span and the handshake’s commands under holdfast’s attempt span', () => {
    const [attempt] = byName('connect hf16-otel attempt 1');
    expect(attempt, JSON.stringify(spans)).to.not.equal(undefined);
    expect(attempt?.attributes['holdfast.attempt']).to.equal(1);
    const [connect] = byName('connect');
    expect(connect?.parent, 'ioredis connect span').to.equal(attempt?.id);
    const handshake = spans.filter((span) => ['hello', 'info', 'client'].includes(span.name));
    expect(handshake.length).to.be.above(0);
    for (const span of handshake) expect(span.parent, span.name).to.equal(attempt?.id);
  });

  it('makes a command sent inside the caller’s span a child of it', () => {
    const [request] = byName('handle request');
    const [get] = byName('get');
    expect(get?.parent).to.equal(request?.id);
    expect(get?.attributes['db.operation.name']).to.equal('get');
  });
});
