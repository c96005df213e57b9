import { expect } from 'chai';
import sinon from 'sinon';
import {
  type OtelSdkModules,
  type StartCliTelemetry,
  otelSdkPackages,
  otlpEndpoints,
  startCliTelemetry,
  stopCliTelemetry,
} from '../../src/cli/cliTelemetry.js';
import { exitCodes } from '../../src/cli/exitCodes.js';
import { runCli } from '../../src/cli/runCli.js';
import { systemClock } from '../../src/internal/Clock.js';
import { Capture, FakeTarget, fakeIo } from './FakeTarget.js';

const notInstalled = (): Error =>
  Object.assign(
    new Error("Cannot find package '@opentelemetry/sdk-node' imported from /app/cli.js"),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
const installHint = `npm install ${otelSdkPackages.join(' ')}`;

/** sinon's fake clock for the enclosing describe (systemClock follows it). */
function fakeTime(): { clock: sinon.SinonFakeTimers } {
  const time = { clock: undefined as unknown as sinon.SinonFakeTimers };
  beforeEach(() => {
    time.clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    time.clock.restore();
  });
  return time;
}

/** A load that must not happen. */
const noLoad = (): Promise<OtelSdkModules> => Promise.reject(new Error('the SDK was loaded'));

describe('otlpEndpoints', () => {
  it('is undefined when no endpoint variable is set, or only blanks', () => {
    expect(otlpEndpoints({})).to.equal(undefined);
    expect(
      otlpEndpoints({
        OTEL_EXPORTER_OTLP_ENDPOINT: ' ',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
      }),
    ).to.equal(undefined);
  });

  it('appends /v1/traces and /v1/metrics to OTEL_EXPORTER_OTLP_ENDPOINT (trailing slashes off)', () => {
    expect(
      otlpEndpoints({ OTEL_EXPORTER_OTLP_ENDPOINT: ' http://collector:4318// ' }),
    ).to.deep.equal({
      traces: 'http://collector:4318/v1/traces',
      metrics: 'http://collector:4318/v1/metrics',
    });
  });

  it('takes a per-signal variable as given, over the common one', () => {
    expect(
      otlpEndpoints({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/traces',
      }),
    ).to.deep.equal({
      traces: 'http://tempo:4318/otlp/traces',
      metrics: 'http://collector:4318/v1/metrics',
    });
  });

  it('exports only the signal whose per-signal variable is set when the common one is not', () => {
    expect(
      otlpEndpoints({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:4318/v1/metrics' }),
    ).to.deep.equal({ traces: undefined, metrics: 'http://m:4318/v1/metrics' });
  });
});

describe('startCliTelemetry', () => {
  it('loads nothing and says nothing without an endpoint', async () => {
    const stderr = new Capture();
    const load = sinon.spy(noLoad);
    expect(await startCliTelemetry({ NO_COLOR: '1' }, stderr, load)).to.equal(undefined);
    expect(load.called).to.equal(false);
    expect(stderr.text).to.equal('');
  });

  it('loads nothing with OTEL_SDK_DISABLED=true', async () => {
    const stderr = new Capture();
    const load = sinon.spy(noLoad);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'TRUE' };
    expect(await startCliTelemetry(env, stderr, load)).to.equal(undefined);
    expect(load.called).to.equal(false);
    expect(stderr.text).to.equal('');
  });

  it('without the SDK packages: one line, traces off, what to install; no telemetry', async () => {
    const stderr = new Capture();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(await startCliTelemetry(env, stderr, () => Promise.reject(notInstalled()))).to.equal(
      undefined,
    );
    expect(stderr.text).to.equal(
      `holdfast: OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry SDK is not installed, so traces are off; install it with: ${installHint}\n`,
    );
  });

  it('names the per-signal variable when that is the one set', async () => {
    const stderr = new Capture();
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' };
    await startCliTelemetry(env, stderr, () => Promise.reject(notInstalled()));
    expect(stderr.text).to.match(/^holdfast: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set but/);
  });

  it('an SDK that fails to load otherwise: one redacted line, no telemetry', async () => {
    const stderr = new Capture();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    const broken = new Error('exporter for https://u:hunter2@c:4318 failed\n    at load (x.js:1)');
    expect(await startCliTelemetry(env, stderr, () => Promise.reject(broken))).to.equal(undefined);
    expect(stderr.text).to.equal(
      'holdfast: OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry SDK did not load, so traces are off: exporter for https://u:***@c:4318 failed\n',
    );
  });
});

describe('stopCliTelemetry', () => {
  const time = fakeTime();

  const endpoints = { traces: 'https://u:hunter2@c:4318/v1/traces', metrics: undefined };

  function stop(shutdown: () => Promise<void>): { stderr: Capture; done: () => boolean } {
    const stderr = new Capture();
    let done = false;
    void stopCliTelemetry({ endpoints, shutdown }, { stderr, clock: systemClock }).then(() => {
      done = true;
    });
    return { stderr, done: () => done };
  }

  it('resolves once delivered, silently, leaving no timer behind', async () => {
    const run = stop(() => Promise.resolve());
    await time.clock.tickAsync(0);
    expect(run.done()).to.equal(true);
    expect(run.stderr.text).to.equal('');
    expect(time.clock.countTimers()).to.equal(0);
  });

  it('gives up on a collector that never answers after 2 s, in one line', async () => {
    const run = stop(() => new Promise<void>(() => undefined));
    await time.clock.tickAsync(1999);
    expect(run.done()).to.equal(false);
    await time.clock.tickAsync(1);
    expect(run.done()).to.equal(true);
    expect(run.stderr.text).to.equal(
      'holdfast: telemetry not delivered to https://u:***@c:4318/v1/traces within 2 s; gave up\n',
    );
  });

  it('reports a failed delivery in one line, and nothing more when it fails after giving up', async () => {
    const failed = stop(() => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.9:4318')));
    await time.clock.tickAsync(0);
    expect(failed.done()).to.equal(true);
    expect(failed.stderr.text).to.equal(
      'holdfast: telemetry not delivered to https://u:***@c:4318/v1/traces: connect ECONNREFUSED 10.0.0.9:4318\n',
    );

    const late = stop(
      () =>
        new Promise<void>((_, reject) => {
          setTimeout(() => {
            reject(new Error('timeout'));
          }, 10_000);
        }),
    );
    await time.clock.tickAsync(10_000);
    expect(late.stderr.lines).to.have.length(1);
    expect(late.stderr.text).to.include('within 2 s; gave up');
  });
});

describe('runCli with telemetry', () => {
  const time = fakeTime();

  function recordingTelemetry(shutdown: () => Promise<void>) {
    const events: string[] = [];
    const start = sinon.spy<StartCliTelemetry>(async () => {
      events.push('telemetry started');
      return {
        endpoints: { traces: 'http://c:4318/v1/traces', metrics: undefined },
        shutdown: async () => {
          events.push('telemetry shut down');
          await shutdown();
          events.push('telemetry flushed');
        },
      };
    });
    return { events, start };
  }

  it('starts no telemetry for --help', async () => {
    const { io } = fakeIo();
    const { start } = recordingTelemetry(() => Promise.resolve());
    const code = await runCli(
      ['--help'],
      io,
      async (url) => new FakeTarget(url.display, []),
      start,
    );
    expect(code).to.equal(exitCodes.ok);
    expect(start.called).to.equal(false);
  });

  it('wait: starts it before the first target and flushes it after the result, before resolving', async () => {
    const { io, stdout } = fakeIo();
    const { events, start } = recordingTelemetry(() => Promise.resolve());
    let resolved = false;
    const running = runCli(
      ['wait', 'redis://:hunter2@cache:6379'],
      io,
      async (url) => {
        events.push('target created');
        return new FakeTarget(url.display, ['ok']);
      },
      start,
    ).then((code) => {
      events.push(`resolved ${code}`);
      resolved = true;
      return code;
    });
    await time.clock.tickAsync(0);
    expect(resolved).to.equal(true);
    expect(await running).to.equal(exitCodes.ok);
    expect(start.firstCall.args[0]).to.equal(io.env);
    expect(stdout.lines.at(-1)).to.match(/^holdfast: target ready in \d+ ms$/);
    expect(events).to.deep.equal([
      'telemetry started',
      'target created',
      'telemetry shut down',
      'telemetry flushed',
      'resolved 0',
    ]);
  });

  it('wait: a collector that never answers delays the exit code 2 s at most', async () => {
    const { io, stderr } = fakeIo();
    const { start } = recordingTelemetry(() => new Promise<void>(() => undefined));
    let code: number | undefined;
    void runCli(
      ['wait', 'redis://cache:6379'],
      io,
      async (url) => new FakeTarget(url.display, ['ok']),
      start,
    ).then((c) => {
      code = c;
    });
    await time.clock.tickAsync(1999);
    expect(code).to.equal(undefined);
    await time.clock.tickAsync(1);
    expect(code).to.equal(exitCodes.ok);
    expect(stderr.lines).to.deep.equal([
      'holdfast: telemetry not delivered to http://c:4318/v1/traces within 2 s; gave up',
    ]);
  });
});
