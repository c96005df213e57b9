// Runs the `holdfast` command as a subprocess (`node --import tsx src/cli/main.ts ...`) and
// records its output with arrival times, so that specs measure the command's own timing (from
// its first line to its exit) rather than how long Node and tsx took to start on a busy host.
import { type ChildProcess, spawn } from 'node:child_process';

const repoRoot = new URL('../../', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the first line of output to the exit. */
  readonly msFromFirstLine: number;
}

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  #firstLineAt: number | undefined;
  readonly exited: Promise<CliResult>;
  readonly #waiters = new Set<() => void>();

  constructor(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', HOLDFAST_LOG_LEVEL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      this.#firstLineAt ??= Date.now();
      this[stream] += chunk.toString();
      for (const waiter of this.#waiters) waiter();
    };
    this.child.stdout?.on('data', onData('stdout'));
    this.child.stderr?.on('data', onData('stderr'));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) => {
        clearTimeout(killer);
        resolve({
          code,
          stdout: this.stdout,
          stderr: this.stderr,
          msFromFirstLine: Date.now() - (this.#firstLineAt ?? Date.now()),
        });
      });
    });
  }

  /** Resolves with the first stdout line matching, waiting up to `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const line = this.stdout.split('\n').find(match);
        if (line === undefined) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no matching line within ${timeoutMs} ms; output so far:\n${this.stdout}${this.stderr}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Stops it with a signal (Ctrl-C is SIGINT) and resolves with the result. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<CliResult> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** Runs the command to its end. */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliResult> {
  return new CliProcess(args, env).exited;
}
