// `holdfast wait` / `watch` as a subprocess with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local
// OTLP/HTTP receiver: the connect spans of the library, their attempt children and the metrics
// arrive as protobuf (decoded with the official definitions); no password reaches the payload,
// not even the resource's process.command_args; a dead or hanging collector holds the exit up
// at most 2 s; without the SDK packages the command says so in one line and carries on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { otelSdkPackages } from '../../src/cli/cliTelemetry.js';
import { findSecrets } from '../helpers/secretScan.js';
import { freePort } from '../helpers/servers/freePort.js';
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
import { CliProcess, type CliResult, runCli } from './cliProcess.js';

const mysqlUrl = 'mysql://root@127.0.0.1:3306/test';
const redisUrl = 'redis://127.0.0.1:6379';
// Carries secretScan's marker, so that any form of it anywhere is found.
const secret = 'HF-S3cret-cli-otlp-5m3';
// The variables a developer's shell may carry would change what is exported.
const otelEnv = {
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '',
  OTEL_SERVICE_NAME: '',
  OTEL_SDK_DISABLED: '',
};

interface Received {
  readonly spans: OtlpSpan[];
  readonly resource: Record<string, unknown>;
  readonly commandArgs: string[];
  readonly metricNames: string[];
  readonly contentTypes: string[];
  /** Every request body as text (protobuf strings are plain UTF-8 bytes). */
  readonly rawBodies: string[];
}

interface ArrayAttribute {
  value?: { arrayValue?: { values?: { stringValue?: string }[] } };
}

function received(receiver: OtlpReceiver): Received {
  const traces = receiver.requests
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => decodeTraces(r.body).resourceSpans ?? []);
  const resourceAttributes = traces[0]?.resource?.attributes ?? [];
  const commandArgs = resourceAttributes.find((a) => a.key === 'process.command_args') as
    ArrayAttribute | undefined;
  return {
    spans: traces.flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])),
    resource: attributesOf(resourceAttributes),
    commandArgs: (commandArgs?.value?.arrayValue?.values ?? []).map((v) => v.stringValue ?? ''),
    metricNames: receiver.requests
      .filter((r) => r.path === '/v1/metrics')
      .flatMap((r) => decodeMetrics(r.body).resourceMetrics ?? [])
      .flatMap((r) => r.scopeMetrics ?? [])
      .flatMap((s) => s.metrics ?? [])
      .map((m) => m.name),
    contentTypes: receiver.requests.map((r) => String(r.headers['content-type'])),
    rawBodies: receiver.requests.map((r) => r.body.toString('latin1')),
  };
}

/** The `connect <target>` span of the target, with its attempt children in order. */
function connectTree(spans: readonly OtlpSpan[], target: string) {
  const connect = spans.find((s) => s.name === `connect ${target}`);
  if (connect === undefined) {
    throw new Error(`no span "connect ${target}" in: ${spans.map((s) => s.name).join(', ')}`);
  }
  const attempts = spans
    .filter((s) => s.name.startsWith(`connect ${target} attempt `))
    .sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
  return { connect, attempts };
}

/** Every string an OTLP span carries: name, attribute values, event names and attributes. */
function spanTexts(spans: readonly OtlpSpan[]): string[] {
  return spans.flatMap((span) => [
    span.name,
    span.status?.message ?? '',
    ...Object.values(attributesOf(span.attributes)).map(String),
    ...(span.events ?? []).flatMap((event) => [
      event.name,
      ...Object.values(attributesOf(event.attributes)).map(String),
    ]),
  ]);
}

describe('holdfast with OTEL_EXPORTER_OTLP_ENDPOINT', function () {
  this.timeout(60_000);
  let receiver: OtlpReceiver;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  describe('wait, every server up', () => {
    let result: CliResult;
    let got: Received;

    before(async () => {
      const own = await startOtlpReceiver();
      try {
        result = await runCli(['wait', redisUrl, mysqlUrl], {
          ...otelEnv,
          OTEL_EXPORTER_OTLP_ENDPOINT: `${own.endpoint}/`,
        });
        got = received(own);
      } finally {
        await own.close();
      }
    });

    it('exits 0 and keeps stdout and stderr its own', () => {
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal('');
      const lines = result.stdout.split('\n').filter((l) => l !== '');
      expect(lines[0]).to.equal('holdfast: waiting for 2 targets (timeout 30.0 s)');
      expect(lines.at(-1)).to.match(/^holdfast: 2 targets ready in \d+ ms$/);
    });

    it('posts protobuf to /v1/traces and /v1/metrics, as service holdfast-cli', () => {
      expect(got.contentTypes.length).to.be.greaterThanOrEqual(2);
      for (const type of got.contentTypes) expect(type).to.equal('application/x-protobuf');
      expect(got.resource['service.name']).to.equal('holdfast-cli');
      expect(got.metricNames).to.include.members([
        'holdfast.attempts',
        'holdfast.connect.duration',
      ]);
    });

    for (const [target, system, port] of [
      ['redis 127.0.0.1:6379', 'redis', 6379],
      ['mysql 127.0.0.1:3306', 'mysql', 3306],
    ] as const) {
      it(`holds "connect ${target}" with its attempt child and db.system.name ${system}`, () => {
        const { connect, attempts } = connectTree(got.spans, target);
        expect(attributesOf(connect.attributes)).to.include({
          'db.system.name': system,
          'server.address': '127.0.0.1',
          'server.port': port,
          'holdfast.operation': 'connect',
          'holdfast.attempt.count': 1,
        });
        expect(hex(connect.parentSpanId)).to.equal('');
        expect(attempts).to.have.length(1);
        const [attempt] = attempts;
        expect(hex(attempt?.parentSpanId)).to.equal(hex(connect.spanId));
        expect(hex(attempt?.traceId)).to.equal(hex(connect.traceId));
        expect(attempt?.kind).to.equal(otlpSpanKind.client);
        expect(attempt?.status?.code ?? otlpStatusCode.unset).to.equal(otlpStatusCode.unset);
        expect(attributesOf(attempt?.attributes)).to.include({
          'db.system.name': system,
          'holdfast.attempt': 1,
        });
      });
    }
  });

  describe('wait, a wrong password in both URLs', () => {
    it('fails fast with exit 1; the password is in no span, event, metric or resource', async () => {
      const result = await runCli(
        [
          'wait',
          '--timeout',
          '20',
          `redis://holdfast-nobody:${secret}@127.0.0.1:6379`,
          `mysql://holdfast_cli_nobody:${secret}@127.0.0.1:3306/test`,
        ],
        { ...otelEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      );
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(/failed: WRONGPASS, not retried/);
      expect(result.stderr).to.match(/failed: ER_ACCESS_DENIED_ERROR, not retried/);
      expect(result.msFromFirstLine).to.be.below(5000);
      const got = received(receiver);

      for (const [target, code] of [
        ['redis 127.0.0.1:6379', 'WRONGPASS'],
        ['mysql 127.0.0.1:3306', 'ER_ACCESS_DENIED_ERROR'],
      ] as const) {
        const { connect, attempts } = connectTree(got.spans, target);
        expect(attempts, target).to.have.length(1);
        expect(hex(attempts[0]?.parentSpanId)).to.equal(hex(connect.spanId));
        expect(attempts[0]?.status?.code).to.equal(otlpStatusCode.error);
        expect(attributesOf(attempts[0]?.attributes)['error.type']).to.equal(code);
        // The failure is described (an exception event with a message) without the password.
        expect(attempts[0]?.events?.map((e) => e.name)).to.include('exception');
      }
      expect(findSecrets(spanTexts(got.spans), [secret])).to.deep.equal([]);
      // The whole payload, resource included: the process detector's command_args is the
      // command line, which held the password; it arrives with the password masked.
      expect(findSecrets(got.rawBodies, [secret])).to.deep.equal([]);
      expect(got.commandArgs).to.include.members([
        `redis://holdfast-nobody:***@127.0.0.1:6379`,
        `mysql://holdfast_cli_nobody:***@127.0.0.1:3306/test`,
      ]);
      expect(findSecrets([result.stdout, result.stderr], [secret])).to.deep.equal([]);
    });
  });

  describe('watch, stopped with Ctrl-C', () => {
    it('flushes the connect span before it exits 0', async () => {
      const cli = new CliProcess(['watch', redisUrl], {
        ...otelEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      });
      await cli.waitForLine((l) => / redis:\/\/127\.0\.0\.1:6379 connected \(attempt 1\)$/.test(l));
      const result = await cli.stop('SIGINT');
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal('');
      const { attempts } = connectTree(received(receiver).spans, 'redis 127.0.0.1:6379');
      expect(attempts).to.have.length(1);
    });
  });

  describe('a collector that is down or hangs', () => {
    let hanging: Server;
    let hangingEndpoint: string;
    before(async () => {
      // Reads the request, never answers.
      hanging = createServer(() => undefined);
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      hangingEndpoint = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
    });
    after(async () => {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => {
        hanging.close(() => {
          resolve();
        });
      });
    });

    it('a refused collector: exit 0 within the 2 s bound, one line on stderr', async () => {
      // The OTLP exporter retries a refused export for up to its own 10 s timeout.
      const port = await freePort();
      const result = await runCli(['wait', redisUrl], {
        ...otelEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      });
      expect(result.code).to.equal(0);
      expect(result.stdout).to.match(/^holdfast: target ready in \d+ ms$/m);
      expect(result.stderr.split('\n').filter((l) => l !== '')).to.have.length(1);
      expect(result.stderr).to.match(
        new RegExp(
          `^holdfast: telemetry not delivered to http://127\\.0\\.0\\.1:${port}/v1/traces`,
        ),
      );
      expect(result.msFromFirstLine).to.be.below(3500);
    });

    it('a collector that never answers holds the exit up 2 s at most', async () => {
      const result = await runCli(['wait', redisUrl], {
        ...otelEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: hangingEndpoint,
      });
      expect(result.code).to.equal(0);
      expect(result.stderr).to.equal(
        `holdfast: telemetry not delivered to ${hangingEndpoint}/v1/traces within 2 s; gave up\n`,
      );
      // Ready within ~50 ms of the first line, then the 2 s flush bound and the 250 ms exit grace.
      expect(result.msFromFirstLine).to.be.within(1950, 3500);
    });
  });

  describe('without the SDK packages installed', () => {
    let dir: string;
    before(() => {
      // A resolve hook that makes @opentelemetry/sdk-node unresolvable, as in an install
      // without devDependencies: Node's own resolver then fails with ERR_MODULE_NOT_FOUND.
      dir = mkdtempSync(join(tmpdir(), 'holdfast-no-sdk-'));
      writeFileSync(
        join(dir, 'hooks.mjs'),
        `export async function resolve(specifier, context, next) {
  if (specifier === '@opentelemetry/sdk-node') return next('@opentelemetry/sdk-node-not-installed', context);
  return next(specifier, context);
}\n`,
      );
      writeFileSync(
        join(dir, 'register.mjs'),
        `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${join(dir, 'hooks.mjs')}`)});\n`,
      );
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('says in one line that traces are off and what to install, then waits as usual', async () => {
      const result = await runCli(['wait', redisUrl], {
        ...otelEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        NODE_OPTIONS: `--import=${join(dir, 'register.mjs')}`,
      });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal(
        `holdfast: OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry SDK is not installed, so traces are off; install it with: npm install ${otelSdkPackages.join(' ')}\n`,
      );
      expect(result.stdout).to.match(/^holdfast: target ready in \d+ ms$/m);
      expect(receiver.requests).to.have.length(0);
    });
  });
});
