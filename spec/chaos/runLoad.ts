// A bounded write load for chaos scenarios: `concurrency` workers issue writes with unique
// ids until stopped, each outcome recorded in a WriteLedger.
import { WriteLedger } from './WriteLedger.js';

export interface LoadOptions {
  /** Parallel callers. @default 8 */
  readonly concurrency?: number;
  /** One write; resolves when acknowledged. The id is unique per write. */
  readonly write: (id: string) => Promise<unknown>;
  /** Pause between a worker's writes, ms (keeps 2 cores usable). @default 5 */
  readonly pauseMs?: number;
  readonly ledger?: WriteLedger;
}

export interface RunningLoad {
  readonly ledger: WriteLedger;
  /** Writes issued so far. */
  issued(): number;
  /** Time (performance.now()) of the latest acknowledged write. */
  lastSuccessAt(): number;
  /** Times (performance.now()) of every acknowledged write, in order. */
  successTimes(): readonly number[];
  /** The longest a single write took to settle (acknowledged or not), ms. */
  longestCallMs(): number;
  /** Resolves at the first success after `since` (performance.now()), e.g. after a restart. */
  firstSuccessAfter(since: number, timeoutMs?: number): Promise<number>;
  /** Stops issuing and waits for every write in flight to settle. */
  stop(): Promise<WriteLedger>;
}

export function runLoad(options: LoadOptions): RunningLoad {
  const { concurrency = 8, write, pauseMs = 5 } = options;
  const ledger = options.ledger ?? new WriteLedger();
  let stopped = false;
  let next = 0;
  let lastSuccess = 0;
  let longestCall = 0;
  const successes: number[] = [];
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const id = `w${next++}`;
      const issuedAt = performance.now();
      const outcome = await ledger.run(id, () => write(id));
      longestCall = Math.max(longestCall, performance.now() - issuedAt);
      if (outcome === 'acknowledged') {
        lastSuccess = performance.now();
        successes.push(lastSuccess);
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    ledger,
    issued: () => next,
    lastSuccessAt: () => lastSuccess,
    successTimes: () => successes,
    longestCallMs: () => longestCall,
    firstSuccessAfter: async (since, timeoutMs = 20_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const hit = successes.find((t) => t > since);
        if (hit !== undefined) return hit;
        if (performance.now() > deadline) {
          throw new Error(`no successful write within ${timeoutMs} ms after the fault ended`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
      return ledger;
    },
  };
}
