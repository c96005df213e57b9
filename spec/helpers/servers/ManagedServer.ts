// The process life cycle shared by RedisServer and MariaDbServer: spawn on a fixed port in a
// private temp dir, wait until the server really answers, signal it, restart it on the same
// port and data, and stop it by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { registerServer, unregisterServer } from './registry.js';
import { removeTempDir } from './tempDir.js';

export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
}

export abstract class ManagedServer {
  readonly host = '127.0.0.1';
  readonly port: number;
  /** The private temp dir (data, socket, logs); removed by `stop()`. */
  readonly dir: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private paused = false;
  private stopped = false;

  protected constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /** Pid of the running server process; undefined after it exited. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined;
  }

  /** The server's combined stdout/stderr (and error log, for MariaDB). */
  get logPath(): string {
    return join(this.dir, 'server.log');
  }

  /** Readable label for errors. */
  protected abstract readonly label: string;
  /** Command line of one launch (same port and data dir every time). */
  protected abstract launchSpec(): LaunchSpec;
  /** One readiness probe: resolves when the server answers a real request. */
  protected abstract probe(): Promise<void>;
  /** How long a launch may take before it is declared failed. */
  protected abstract readonly readyTimeoutMs: number;

  /**
   * Sends `signal` (default SIGKILL) and waits for the process to exit. A paused server
   * gets SIGCONT after a catchable signal so that it can act on it.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined || this.pid === undefined) return;
    child.kill(signal);
    if (signal !== 'SIGKILL' && this.paused) child.kill('SIGCONT');
    this.paused = false;
    await this.exited;
  }

  /** SIGSTOP: the server keeps its sockets open but answers nothing. */
  pause(): void {
    const child = this.requireRunning('pause');
    child.kill('SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    const child = this.requireRunning('resume');
    child.kill('SIGCONT');
    this.paused = false;
  }

  /**
   * Starts the server again on the same port with the same data dir and waits until it
   * answers. A still-running server is stopped gracefully first.
   */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`${this.label}: restart() after stop()`);
    if (this.pid !== undefined) await this.terminate();
    await this.launch();
  }

  /** Graceful stop (SIGTERM, SIGKILL after 10 s), then removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.terminate();
    } finally {
      unregisterServer(this);
      await removeTempDir(this.dir);
    }
  }

  /** Spawns the process and waits for readiness; called by start() and restart(). */
  protected async launch(): Promise<void> {
    registerServer(this);
    const { command, args } = this.launchSpec();
    const log = openSync(this.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    this.child = child;
    this.paused = false;
    const life = { exited: false };
    this.exited = new Promise<void>((resolve) => {
      const onEnd = (): void => {
        life.exited = true;
        resolve();
      };
      child.once('exit', onEnd);
      child.once('error', onEnd);
    });
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      if (life.exited) throw new Error(`${this.label} exited during start:\n${this.logTail()}`);
      try {
        await this.probe();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          await this.kill();
          throw new Error(
            `${this.label} not ready after ${this.readyTimeoutMs} ms:\n${this.logTail()}`,
            {
              cause: error,
            },
          );
        }
      }
      await delay(20);
    }
  }

  /** Last lines of the server log, for error messages. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    if (child === undefined || this.pid === undefined) return;
    child.kill('SIGTERM');
    if (this.paused) child.kill('SIGCONT');
    this.paused = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private requireRunning(what: string): ChildProcess {
    const child = this.child;
    if (child === undefined || this.pid === undefined) {
      throw new Error(`${this.label}: ${what}() while the server is not running`);
    }
    return child;
  }
}
