// Shared tools of the FaultProxy and server-limit chaos specs (*Toxics.spec.ts, *Limits.spec.ts):
// a load through a toxic held for a while, call timing, the bound of a reconnect cycle, retries
// read from the log, and errors as short codes.
import { setTimeout as delay } from 'node:timers/promises';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import type { RetryPolicy } from '../../src/retry/RetryOptions.js';
import type { FaultProxy } from '../../src/testing/FaultProxy.js';
import type { ToxicOptions } from '../../src/testing/toxics/ToxicOptions.js';
import { runLoad } from './runLoad.js';
import type { WriteLedger } from './WriteLedger.js';

/**
 * Adds `toxics` to `proxy`, holds them `ms`, removes them; resolves with the time
 * (performance.now()) the last one was removed, the start of the recovery.
 */
export async function injectFor(
  proxy: FaultProxy,
  toxics: readonly ToxicOptions[],
  ms: number,
): Promise<number> {
  const ids = toxics.map((toxic) => proxy.add(toxic));
  await delay(ms);
  for (const id of ids) await proxy.remove(id);
  return performance.now();
}

/** A load of writes and reads through a proxy, and the toxic to hold meanwhile. */
export interface ToxicLoad {
  readonly proxy: FaultProxy;
  readonly toxics: readonly ToxicOptions[];
  /** How long the toxics stay, ms. */
  readonly faultMs: number;
  /** One write that must never be applied twice; `id` is unique. */
  readonly write: (id: string) => Promise<unknown>;
  /** One read (safe to send again). */
  readonly read: () => Promise<unknown>;
  /** Callers of each kind. @default 3 */
  readonly concurrency?: number;
}

/** What the callers saw. */
export interface ToxicLoadResult {
  /** Every write's outcome, the 20 issued after the toxic included. */
  readonly writes: WriteLedger;
  readonly reads: WriteLedger;
  /** `errorCode()` of every failed write and read during the load. */
  readonly writeCodes: readonly string[];
  readonly readCodes: readonly string[];
  /** The slowest call of the load, ms. */
  readonly longestMs: number;
  /** From the toxic's removal to the first acknowledged write, ms. */
  readonly recoveryMs: number;
  /** `errorCode()` of the calls issued after the load (20 writes, 20 reads) that failed. */
  readonly errorsAfter: readonly string[];
}

/**
 * Runs writers and readers, adds the toxics 200 ms in, removes them after `faultMs`, waits for
 * the first acknowledged write, stops the load, then issues 20 writes and 20 reads at once.
 */
export async function loadThroughToxic(options: ToxicLoad): Promise<ToxicLoadResult> {
  const { proxy, toxics, faultMs, write, read, concurrency = 3 } = options;
  const timer = callTimer();
  const writeCodes: string[] = [];
  const readCodes: string[] = [];
  const observed = (codes: string[], call: () => Promise<unknown>): Promise<unknown> =>
    timer.time(call).catch((error: unknown) => {
      codes.push(errorCode(error));
      throw error;
    });
  const writes = runLoad({
    concurrency,
    pauseMs: 10,
    write: (id) => observed(writeCodes, () => write(id)),
  });
  const reads = runLoad({ concurrency, pauseMs: 10, write: () => observed(readCodes, read) });
  let recoveryMs: number;
  try {
    await delay(200);
    const removedAt = await injectFor(proxy, toxics, faultMs);
    recoveryMs = (await writes.firstSuccessAfter(removedAt, 10_000)) - removedAt;
    await delay(100);
  } finally {
    await writes.stop();
    await reads.stop();
  }
  const longestMs = timer.longestMs();
  const ledger = writes.ledger;
  const after = await Promise.allSettled(
    Array.from({ length: 40 }, async (_, i) => {
      if (i % 2 === 1) return read();
      const id = `after${i}`;
      try {
        await write(id);
        ledger.settle(id, { ok: true });
      } catch (error) {
        ledger.settle(id, { ok: false, error });
        throw error;
      }
      return undefined;
    }),
  );
  return {
    writes: ledger,
    reads: reads.ledger,
    writeCodes,
    readCodes,
    longestMs,
    recoveryMs,
    errorsAfter: after.flatMap((r) => (r.status === 'rejected' ? [errorCode(r.reason)] : [])),
  };
}

/** Times calls: how long the slowest took to settle, whether it succeeded or failed. */
export interface CallTimer {
  /** Runs `call` and records how long it took to settle. */
  time<T>(call: () => Promise<T>): Promise<T>;
  /** The slowest call so far, ms. */
  longestMs(): number;
}

export function callTimer(): CallTimer {
  let longest = 0;
  return {
    time: async (call) => {
      const started = performance.now();
      try {
        return await call();
      } finally {
        longest = Math.max(longest, performance.now() - started);
      }
    },
    longestMs: () => longest,
  };
}

/**
 * The longest one reconnect cycle can take: `maxRetries + 1` attempts of at most `attemptMs`
 * each (a connect timeout), and every wait at the top of its jitter (proportional, x 1.5).
 */
export function cycleBoundMs(policy: RetryPolicy, attemptMs: number): number {
  let total = (policy.maxRetries + 1) * attemptMs;
  for (let retry = 1; retry <= policy.maxRetries; retry++) {
    const base = Math.min(
      policy.baseDelayMs * policy.exponentialBase ** (retry - 1),
      policy.maxDelayMs,
    );
    total += Math.min(base * 1.5, policy.maxDelayMs);
  }
  return total;
}

/**
 * How many times an operation was retried, from a capturing logger's lines: holdfast logs
 * `Attempt n of <operation> failed, retrying in ...` before each retry, where a statement or
 * command is named `execute <name>` (`execute GET`, `execute SELECT COUNT`). `operation` may be
 * the start of the name (`execute SELECT`).
 */
export function retriesLogged(lines: readonly string[], operation: string): number {
  return lines.filter(
    (line) => line.includes(` of ${operation}`) && line.includes(' failed, retrying in '),
  ).length;
}

/**
 * How many `command`s a holdfast Redis client sent again after a lost connection, from its INFO
 * lines (`... re-sending 3 once reconnected (GET x2, SET x1) ...`).
 */
export function resentLogged(lines: readonly string[], command: string): number {
  let total = 0;
  for (const line of lines) {
    const resent = / re-sending \d+ once reconnected \(([^)]*)\)/.exec(line)?.[1] ?? '';
    const count = new RegExp(`\\b${command} x(\\d+)`).exec(resent)?.[1];
    total += count === undefined ? 0 : Number(count);
  }
  return total;
}

/** The error `promise` rejects with; throws if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * An error as a short code for tallies and assertions: `code`, with the cause's code after a
 * slash for holdfast's wrappers (`ERR_HOLDFAST_OUTCOME_UNKNOWN/ECONNRESET`).
 */
export function errorCode(error: unknown): string {
  const own = codeOf(error);
  if (!isHoldfastError(error) || error.cause === undefined) return own;
  return `${own}/${codeOf(error.cause)}`;
}

function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'unknown';
}

/** Counts of each code: `ECONNRESET x2, ok x38`. */
export function tally(codes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code} x${n}`).join(', ');
}
