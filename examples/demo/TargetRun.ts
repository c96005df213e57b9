// One target of the demo: its workload calls, its state stream, and what they added up to.
import type { Observable, Subscription } from 'rxjs';
import type { ConnectionState } from '../../src/index.js';
import { bold, cyan, dim, green, red, yellow } from './paint.js';

/** What the demo needs of a MySQL pool or a Redis client. */
export interface DemoTarget {
  /** `mysql` or `redis`. */
  readonly label: string;
  readonly state$: Observable<ConnectionState<unknown>>;
  /** One workload call (a read and an idempotent write). */
  step(index: number): Promise<void>;
  close(): Promise<void>;
}

export interface TargetSummary {
  readonly label: string;
  readonly calls: number;
  readonly ok: number;
  readonly errors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  /** `retrying` states seen (waits before a retry). */
  readonly retries: number;
  /** Calls that took longer than `slowCallMs` (they waited through the outage). */
  readonly waited: number;
  readonly slowestMs: number;
  /** From the link coming back to the first `connected`, ms; undefined if it never recovered. */
  readonly recoveryMs: number | undefined;
  /** The statuses in order, e.g. connecting, connected, connecting, retrying, ... */
  readonly statuses: readonly string[];
}

export const slowCallMs = 250;
const width = 6;

export class TargetRun {
  calls = 0;
  ok = 0;
  readonly errorCodes = new Map<string, number>();
  retries = 0;
  waited = 0;
  slowestMs = 0;
  inFlight = new Set<Promise<void>>();
  readonly statuses: string[] = [];
  #restoredAt: number | undefined;
  #recoveredAt: number | undefined;
  #subscription: Subscription | undefined;

  constructor(
    readonly target: DemoTarget,
    private readonly print: (line: string) => void,
    private readonly now: () => number,
  ) {}

  watch(): void {
    this.#subscription = this.target.state$.subscribe((state) => {
      this.statuses.push(state.status);
      if (state.status === 'retrying') this.retries += 1;
      if (
        state.status === 'connected' &&
        this.#restoredAt !== undefined &&
        this.#recoveredAt === undefined
      ) {
        this.#recoveredAt = this.now();
      }
      if (state.status !== 'idle') this.print(`${this.#name()} ${describe(state)}`);
    });
  }

  /** The link is back: recovery is measured from here. */
  linkRestored(at: number): void {
    this.#restoredAt = at;
    // A target that never noticed the outage (no call crossed it) has nothing to recover from.
    if (this.statuses.at(-1) === 'connected') this.#recoveredAt = at;
  }

  /** Starts one workload call without waiting for it. */
  fire(index: number): void {
    this.calls += 1;
    const started = this.now();
    const call = this.target
      .step(index)
      .then(
        () => {
          this.ok += 1;
        },
        (error: unknown) => {
          const code = errorCode(error);
          this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
        },
      )
      .finally(() => {
        const took = this.now() - started;
        if (took > slowCallMs) this.waited += 1;
        this.slowestMs = Math.max(this.slowestMs, took);
        this.inFlight.delete(call);
      });
    this.inFlight.add(call);
  }

  /** Resolves when every call has settled (or after `timeoutMs`). */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  progress(): string {
    const errors = [...this.errorCodes.values()].reduce((a, b) => a + b, 0);
    const pending = this.inFlight.size;
    return `${bold(this.target.label)} ${green(`${this.ok} ok`)}, ${
      errors === 0 ? '0 errors' : red(`${errors} errors`)
    }, ${pending > 1 ? yellow(`${pending} waiting`) : `${pending} in flight`}`;
  }

  async close(): Promise<void> {
    await this.target.close();
    this.#subscription?.unsubscribe();
  }

  summary(): TargetSummary {
    return {
      label: this.target.label,
      calls: this.calls,
      ok: this.ok,
      errors: [...this.errorCodes.values()].reduce((a, b) => a + b, 0),
      errorCodes: Object.fromEntries(this.errorCodes),
      retries: this.retries,
      waited: this.waited,
      slowestMs: this.slowestMs,
      recoveryMs:
        this.#recoveredAt === undefined || this.#restoredAt === undefined
          ? undefined
          : this.#recoveredAt - this.#restoredAt,
      statuses: [...this.statuses],
    };
  }

  #name(): string {
    return cyan(this.target.label.padEnd(width));
  }
}

function describe(state: ConnectionState<unknown>): string {
  switch (state.status) {
    case 'idle':
      return dim('idle');
    case 'connecting':
      return `${yellow('◌ connecting')} ${dim(`(attempt ${state.attempt})`)}`;
    case 'retrying':
      return `${yellow(`↻ retrying ${state.retry}`)} in ${(state.delayMs / 1000).toFixed(2)} s ${dim(
        `(${errorCode(state.error)})`,
      )}`;
    case 'connected':
      return `${green('● connected')} ${dim(`(attempt ${state.attempt})`)}`;
    case 'failed':
      return `${red('✖ failed')} ${dim(`(${errorCode(state.error)})`)}`;
    case 'closed':
      return dim('closed');
  }
}

/** The most telling code of an error: the driver's, or the last error inside a holdfast one. */
export function errorCode(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 4; depth += 1) {
    if (typeof current !== 'object' || current === null) break;
    const record = current as { code?: unknown; cause?: unknown; name?: unknown };
    if (record.code === 'ERR_HOLDFAST_RETRIES_EXHAUSTED' && record.cause !== undefined) {
      current = record.cause;
      continue;
    }
    if (typeof record.code === 'string') return record.code;
    if (typeof record.name === 'string') return record.name;
    break;
  }
  return String(current);
}
