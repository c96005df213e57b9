// close() leaves nothing behind: a script that ran one MySQL query and one Redis PING exits as
// soon as both close() calls resolved (issue 13: a statement watchdog timer kept it alive
// ~2.5 s). The child prints the time close() resolved; the parent measures the exit.
import { spawn } from 'node:child_process';
import { expect } from 'chai';

const repoRoot = new URL('../../', import.meta.url).pathname;
const script = 'spec/integration/fixtures/closeAndExit.ts';
const exitBoundMs = 300;

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly exitedAt: number;
}

function runScript(): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    let exitedAt = 0;
    child.once('error', reject);
    // 'exit' is the moment the process ended; 'close' comes once its pipes are drained too.
    child.once('exit', () => (exitedAt = Date.now()));
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output, exitedAt });
    });
  });
}

describe('close() of a pool and a Redis client (integration, subprocess)', function () {
  this.timeout(40_000);

  it(`lets a script exit within ${exitBoundMs} ms of close() resolving`, async () => {
    const run = await runScript();
    expect(run.code, run.output).to.equal(0);
    const closedAt = Number(/^closed (\d+)$/m.exec(run.output)?.[1]);
    expect(closedAt, run.output).to.be.greaterThan(0);
    expect(run.exitedAt - closedAt).to.be.lessThan(exitBoundMs);
  });
});
