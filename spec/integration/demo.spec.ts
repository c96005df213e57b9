// `npm start` with a short outage: the demo cuts the link to the shared MariaDB and Redis through
// its FaultProxies, and its summary shows every call succeeded after waiting, with retries and a
// recovery time per target. Also: a server that is not running is named, with how to start it.
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { freePort } from '../helpers/servers/freePort.js';

const repoRoot = new URL('../../', import.meta.url).pathname;

interface DemoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemo(env: Readonly<Record<string, string>>): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Row {
  readonly calls: number;
  readonly ok: number;
  readonly errors: number;
  readonly retries: number;
  readonly waited: number;
  readonly recoveryMs: number | undefined;
}

function summaryRow(stdout: string, target: string): Row {
  const match = new RegExp(
    `^ {2}${target} +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +\\d+ ms +(\\d+ ms|never)$`,
    'm',
  ).exec(stdout);
  if (!match) throw new Error(`no summary row for ${target} in:\n${stdout}`);
  const [, calls, ok, errors, retries, waited, recovery] = match;
  return {
    calls: Number(calls),
    ok: Number(ok),
    errors: Number(errors),
    retries: Number(retries),
    waited: Number(waited),
    recoveryMs: recovery === 'never' ? undefined : Number.parseInt(String(recovery), 10),
  };
}

/** The state words of one target's lines, in order (`connecting`, `retrying`, ...). */
function statuses(stdout: string, target: string): string[] {
  const line = new RegExp(
    `^\\+ *[\\d.]+s {2}${target} +(?:\\S+ )?(connecting|retrying|connected|failed|closed)`,
  );
  return stdout
    .split('\n')
    .map((text) => line.exec(text)?.[1])
    .filter((status): status is string => status !== undefined);
}

describe('npm start (the demo)', function () {
  this.timeout(90_000);

  describe('with a 1.5 s outage', () => {
    let run: DemoRun;
    before(async () => {
      run = await runDemo({
        DEMO_OUTAGE_AT_MS: '1200',
        DEMO_OUTAGE_MS: '1500',
        DEMO_DURATION_MS: '4500',
      });
    });

    it('exits 0', () => {
      expect(run.code, run.stdout + run.stderr).to.equal(0);
    });

    it('cuts the link and restores it', () => {
      expect(run.stdout).to.match(/✂ link cut for 1\.5 s/);
      expect(run.stdout).to.match(/⚡ link restored/);
      expect(run.stdout.indexOf('link cut')).to.be.below(run.stdout.indexOf('link restored'));
    });

    for (const target of ['mysql', 'redis']) {
      it(`shows ${target} going connecting -> connected -> retrying n -> connected`, () => {
        const seen = statuses(run.stdout, target);
        const first = seen.indexOf('connected');
        const retry = seen.indexOf('retrying', first);
        const again = seen.indexOf('connected', retry);
        expect(seen[0], seen.join(' ')).to.equal('connecting');
        expect(first, seen.join(' ')).to.be.greaterThan(0);
        expect(retry, seen.join(' ')).to.be.greaterThan(first);
        expect(again, seen.join(' ')).to.be.greaterThan(retry);
        expect(run.stdout).to.match(
          new RegExp(`${target} +↻ retrying 1 in [\\d.]+ s \\(ECONNREFUSED\\)`),
        );
      });

      it(`summarises ${target}: every call succeeded, some waited, retries and recovery counted`, () => {
        const row = summaryRow(run.stdout, target);
        expect(row.calls).to.be.greaterThan(10);
        expect(row.ok).to.equal(row.calls);
        expect(row.errors).to.equal(0);
        expect(row.retries).to.be.at.least(1);
        expect(row.waited).to.be.at.least(1);
        // The demo's policy caps a wait at 1 s: recovery follows the link within it (and load).
        expect(row.recoveryMs).to.be.a('number').and.below(2500);
      });
    }

    it('prints traces of the connect operations', () => {
      expect(run.stdout).to.match(
        /trace {2}connect demo-mysql: \d+ attempts?, \d+ retr(y|ies), \d+ ms, OK/,
      );
      expect(run.stdout).to.match(
        /trace {2}connect demo-redis: \d+ attempts, \d+ retries, \d+ ms, OK/,
      );
    });
  });

  describe('when a server is not running', () => {
    it('says which and how to start it, and exits 1', async () => {
      const port = await freePort();
      const run = await runDemo({ REDIS_URL: `redis://:Zq7-demo-S3cret@127.0.0.1:${port}` });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(`Redis on 127.0.0.1:${port} (REDIS_URL) is not running`);
      expect(run.stderr).to.include('redis-server --daemonize yes');
      expect(run.stderr).to.not.include('MariaDB');
      expect(run.stdout + run.stderr).to.not.include('Zq7-demo-S3cret');
    });
  });
});
