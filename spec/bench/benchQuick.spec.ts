// `npm test` does not time anything: it only checks that the benchmarks still run. The quick
// run exercises every case (recovery through a FaultProxy instead of killed servers) against
// the shared Redis and MariaDB, and must finish well within a minute.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = fileURLToPath(new URL('../..', import.meta.url));
const limitMs = 60_000;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** Runs `npm run bench -- --quick` in its own process group, killed by its id after `limitMs`. */
function runQuickBench(): Promise<Run> {
  const started = performance.now();
  const child: ChildProcess = spawn('npm', ['run', 'bench', '--', '--quick'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOLDFAST_LOG_LEVEL: 'silent' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, limitMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

/** The table row of `label` in the output, or undefined. */
function row(output: string, label: string): string | undefined {
  return output.split('\n').find((line) => line.startsWith(`| ${label} |`));
}

describe('bench/main.ts', () => {
  describe('--quick', () => {
    let run: Run;

    before(async function () {
      this.timeout(limitMs + 10_000);
      run = await runQuickBench();
    });

    it('exits 0 within a minute', () => {
      const tail = `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`;
      expect(run.signal, tail).to.equal(null);
      expect(run.code, tail).to.equal(0);
      expect(run.elapsedMs).to.be.below(limitMs);
    });

    for (const id of ['happy-path', 'throughput', 'herd', 'recovery', 'memory']) {
      it(`prints the rows of the ${id} case`, () => {
        const summary = new RegExp(`^bench case ${id}: (\\d+) rows`, 'm').exec(run.stdout);
        expect(summary, run.stderr.slice(-2000)).to.not.equal(null);
        expect(Number(summary?.[1])).to.be.above(0);
      });
    }

    it('prints a row for every contender', () => {
      for (const label of [
        'raw call',
        'holdfast RetryHandler.execute',
        'holdfast ConnectionManager.execute (breaker + budget)',
        'cockatiel retry + breaker',
        'p-retry',
        'Redis GET | 64',
        'MySQL SELECT 1 | 64',
        'holdfast: one shared ConnectionManager, every caller awaits ready()',
        'cockatiel retry per caller',
      ]) {
        expect(row(run.stdout, label), label).to.be.a('string');
      }
      expect(run.stdout).to.match(/^\| Redis 0\.3 s \| holdfast createRedisClient/m);
      expect(run.stdout).to.match(/^\| MySQL 0\.3 s \| holdfast createDatabasePool/m);
      expect(run.stdout).to.match(/^\| 500 \| /m);
    });

    it('writes nothing to docs/benchmarks.md', () => {
      expect(run.stdout).to.not.include('wrote docs/benchmarks.md');
    });
  });
});
