// Shared tools of the failover chaos specs (Redis Cluster, Redis Sentinel, MariaDB replication):
// a write load across a fault that a topology repairs by promoting a replica, and what callers
// saw meanwhile, measured the same way for holdfast and for the raw drivers.
import { setTimeout as delay } from 'node:timers/promises';
import { invariantNames } from './invariants.js';
import { type RunningLoad, runLoad } from './runLoad.js';
import type { WriteLedger } from './WriteLedger.js';

/**
 * What a failover scenario through holdfast asserts. Not "no acknowledged write lost": Redis and
 * MariaDB replicate asynchronously, so a promoted replica may lack the last acknowledged writes;
 * the scenarios count those instead.
 */
export const failoverInvariants = [
  invariantNames.noDoubleWrite,
  invariantNames.noUnhandledRejection,
  invariantNames.transitions,
  invariantNames.endsConnected,
] as const;

export interface FailoverScenario {
  /** One write (an INCR, an INSERT...); its id is unique. */
  readonly write: (id: string) => Promise<unknown>;
  /** @default 4 */
  readonly concurrency?: number;
  /** Load before the fault, ms. @default 300 */
  readonly warmupMs?: number;
  /** The fault: resolves once it is done (the process exited). */
  readonly fault: () => Promise<void>;
  /** Resolves once the topology has promoted a replica (seen from its own tools). */
  readonly promoted: () => Promise<unknown>;
  /** What the orchestrator does after the promotion (MySQL: nothing promotes by itself). */
  readonly afterPromotion?: () => Promise<void>;
  /** Load after the first success that follows the promotion, ms. @default 300 */
  readonly tailMs?: number;
  /** How long callers may take to succeed again after the promotion. @default 15000 */
  readonly recoveryTimeoutMs?: number;
}

export interface FailoverOutcome {
  readonly ledger: WriteLedger;
  /** From the fault to the promotion seen by the topology's tools (sentinels, CLUSTER NODES), ms. */
  readonly promotionMs: number;
  /** From the promotion seen by those tools to the first acknowledged write after it, ms. */
  readonly recoveryMs: number;
  /** The longest span without any acknowledged write, from the fault on: the outage callers saw, ms. */
  readonly outageMs: number;
  /** The longest single call, ms (a caller's wait). */
  readonly longestCallMs: number;
  /** Writes issued. */
  readonly issued: number;
}

/** Runs a load, injects the fault, waits for the promotion and for callers to succeed again. */
export async function failoverUnderLoad(scenario: FailoverScenario): Promise<FailoverOutcome> {
  const load = runLoad({
    concurrency: scenario.concurrency ?? 4,
    pauseMs: 2,
    write: scenario.write,
  });
  let stopped = false;
  try {
    await delay(scenario.warmupMs ?? 300);
    const faultAt = performance.now();
    await scenario.fault();
    await scenario.promoted();
    const promotedAt = performance.now();
    await scenario.afterPromotion?.();
    const recoveredAt = await load.firstSuccessAfter(
      promotedAt,
      scenario.recoveryTimeoutMs ?? 15_000,
    );
    await delay(scenario.tailMs ?? 300);
    const ledger = await load.stop();
    stopped = true;
    return {
      ledger,
      promotionMs: promotedAt - faultAt,
      recoveryMs: recoveredAt - promotedAt,
      outageMs: longestGap(load, faultAt),
      longestCallMs: load.longestCallMs(),
      issued: load.issued(),
    };
  } finally {
    if (!stopped) await load.stop();
  }
}

/** The longest interval between acknowledged writes from `since` to the last one. */
function longestGap(load: RunningLoad, since: number): number {
  const times = load.successTimes();
  const before = times.filter((t) => t <= since).at(-1) ?? since;
  let previous = before;
  let longest = 0;
  for (const t of times) {
    if (t <= since) continue;
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return longest;
}

/** `1.9 s` style, for the console lines the guide quotes. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
