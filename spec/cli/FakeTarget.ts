// A scripted CliTarget for the CLI's unit specs: each attempt takes the next outcome of the
// script (the last one repeats), waits follow the policy without jitter, all on the clock that
// sinon fakes. No sockets.
import { BehaviorSubject } from 'rxjs';
import type { CliIo, CliStream } from '../../src/cli/CliIo.js';
import type { CliTarget } from '../../src/cli/CliTarget.js';
import { parseTargetUrl, type TargetUrl } from '../../src/cli/parseTargetUrl.js';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import { systemClock } from '../../src/internal/Clock.js';
import { sleep } from '../../src/internal/sleep.js';
import { type RetryPolicy, redisRetryDefaults } from '../../src/retry/RetryOptions.js';

/** `ok` connects; an error fails the attempt; `hang` never answers (until aborted). */
export type Outcome = 'ok' | 'hang' | Error;

export const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

export const accessDenied = (): Error =>
  Object.assign(new Error("Access denied for user 'app'@'localhost' (using password: YES)"), {
    code: 'ER_ACCESS_DENIED_ERROR',
    errno: 1045,
  });

export class FakeTarget implements CliTarget {
  readonly url: TargetUrl;
  readonly policy: RetryPolicy;
  readonly state$: BehaviorSubject<ConnectionState<unknown>>;
  readonly classifier = new ErrorClassifier();
  attempts = 0;
  checks = 0;
  closed = 0;
  #script: Outcome[];
  #checkScript: Outcome[];

  constructor(
    url: string,
    script: readonly Outcome[],
    options: { policy?: Partial<RetryPolicy>; checks?: readonly Outcome[] } = {},
  ) {
    this.url = parseTargetUrl(url);
    this.policy = { ...redisRetryDefaults, ...options.policy };
    this.#script = [...script];
    this.#checkScript = [...(options.checks ?? ['ok'])];
    this.state$ = new BehaviorSubject<ConnectionState<unknown>>({ status: 'idle' });
  }

  async ready(signal: AbortSignal): Promise<unknown> {
    const current = this.state$.value;
    if (current.status === 'connected') return current.connection;
    for (let attempt = 1; ; attempt += 1) {
      // After a lost connection the manager is already `connecting` its first attempt.
      if (attempt > 1 || this.state$.value.status !== 'connecting') {
        this.state$.next({ status: 'connecting', attempt });
      }
      this.attempts += 1;
      const outcome = take(this.#script);
      if (outcome === 'ok') {
        this.state$.next({ status: 'connected', connection: {}, attempt });
        return {};
      }
      if (outcome === 'hang') await sleep(2 ** 31 - 1, signal, systemClock);
      const error = outcome === 'hang' ? new Error('unreachable') : outcome;
      if (this.classifier.classify(error, { attempt, scope: 'connect' }).kind === 'fatal') {
        this.state$.next({ status: 'failed', error });
        throw error;
      }
      if (attempt > this.policy.maxRetries) {
        const exhausted = new RetriesExhaustedError('used up', {
          cause: error,
          attempts: attempt,
          target: this.url.display,
        });
        this.state$.next({ status: 'failed', error: exhausted });
        throw exhausted;
      }
      const delayMs = Math.min(
        this.policy.baseDelayMs * this.policy.exponentialBase ** (attempt - 1),
        this.policy.maxDelayMs,
      );
      this.state$.next({ status: 'retrying', retry: attempt, delayMs, error });
      await sleep(delayMs, signal, systemClock);
    }
  }

  async check(): Promise<unknown> {
    this.checks += 1;
    const outcome = take(this.#checkScript);
    if (outcome === 'ok') return 'PONG';
    // As a driver layer does: a dead connection is reported, the manager reconnects.
    if (this.state$.value.status === 'connected')
      this.state$.next({ status: 'connecting', attempt: 1 });
    throw outcome === 'hang' ? new Error('check hung') : outcome;
  }

  async close(): Promise<void> {
    this.closed += 1;
    if (this.state$.value.status !== 'closed') this.state$.next({ status: 'closed' });
    this.state$.complete();
  }
}

function take(script: Outcome[]): Outcome {
  return (script.length > 1 ? script.shift() : script[0]) ?? 'ok';
}

/** A stream that keeps what is written. */
export class Capture implements CliStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 200,
  ) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}

/** An io with captured streams, colours off, and a Ctrl-C the spec can press. */
export function fakeIo(options: { tty?: boolean; env?: Record<string, string> } = {}): {
  io: CliIo;
  stdout: Capture;
  stderr: Capture;
  interrupt: () => void;
} {
  const stdout = new Capture(options.tty ?? false);
  const stderr = new Capture(options.tty ?? false);
  const handlers = new Set<() => void>();
  return {
    io: {
      stdout,
      stderr,
      env: { NO_COLOR: '1', ...options.env },
      clock: systemClock,
      onInterrupt: (handler) => {
        handlers.add(handler);
        return () => {
          handlers.delete(handler);
        };
      },
    },
    stdout,
    stderr,
    interrupt: () => {
      for (const handler of handlers) handler();
    },
  };
}
