// The V8 CPU profiler (what `node --cpu-prof` uses), started and stopped around one piece of
// work in this process, and a summary of where the busy time went. A sample is charged to the
// nearest frame on its stack that belongs to holdfast (src/), a library (node_modules/) or the
// bench, so Node internals (AbortController, timers, socket writes) count for their caller.
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}

/** A V8 CPU profile (the JSON of a .cpuprofile file). */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Runs `work` under the CPU profiler and returns the profile. */
export async function profileWhile(work: () => Promise<unknown>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const failure = await work().then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const { profile } = await session.post('Profiler.stop');
    if (failure !== undefined) throw failure.error as Error;
    return profile as CpuProfile;
  } finally {
    session.disconnect();
  }
}

export interface ProfileSummary {
  readonly sampledMs: number;
  readonly idlePercent: number;
  /** [owner, percent of busy time] */
  readonly byOwner: readonly (readonly [string, number])[];
  /** holdfast's share, by the holdfast function it was charged through */
  readonly byHoldfastFrame: readonly (readonly [string, number])[];
  /** functions by self time */
  readonly bySelf: readonly (readonly [string, number])[];
}

const holdfastSrc = new URL('../../src/', import.meta.url).href;
const benchDir = new URL('../', import.meta.url).href;

function owner(url: string): string | undefined {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module !== null) return module[1] === 'tsx' ? undefined : `node_modules/${module[1]}`;
  if (url.startsWith(holdfastSrc)) return 'holdfast src/';
  if (url.startsWith(benchDir)) return 'bench harness';
  return undefined;
}

const add = (map: Map<string, number>, key: string, us: number): void => {
  map.set(key, (map.get(key) ?? 0) + us);
};

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const bySelf = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byHoldfastFrame = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    total += us;
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = frame.url.replace(/^.*\/(node_modules\/|src\/|bench\/)/, '$1');
    add(bySelf, `${name} ${where}`, us);
    let charged = name === '(garbage collector)' || name === '(program)' ? name : undefined;
    for (let at: number | undefined = id; charged === undefined && at !== undefined;) {
      const caller = byId.get(at)?.callFrame;
      charged = owner(caller?.url ?? '');
      if (charged === 'holdfast src/' && caller !== undefined) {
        const file = `src/${caller.url.slice(holdfastSrc.length)}`;
        add(byHoldfastFrame, `${caller.functionName || '(anonymous)'} ${file}`, us);
      }
      at = parent.get(at);
    }
    add(byOwner, charged ?? 'node (no user frame: event loop, microtasks)', us);
  }
  const busy = total - idle;
  const shares = (map: Map<string, number>): [string, number][] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => [key, (100 * us) / busy]);
  return {
    sampledMs: total / 1000,
    idlePercent: (100 * idle) / total,
    byOwner: shares(byOwner),
    byHoldfastFrame: shares(byHoldfastFrame),
    bySelf: shares(bySelf),
  };
}

/** Markdown lines of a summary. */
export function formatSummary(summary: ProfileSummary): string[] {
  const list = (rows: ProfileSummary['byOwner']): string =>
    rows.map(([key, pct]) => `${pct.toFixed(1)} % ${key}`).join('; ');
  return [
    `${summary.sampledMs.toFixed(0)} ms sampled, ${summary.idlePercent.toFixed(1)} % idle. Shares of busy time:`,
    `- by owner (Node internals charged to their caller): ${list(summary.byOwner)}`,
    `- holdfast's share by the holdfast function it was charged through: ${list(summary.byHoldfastFrame) || 'none'}`,
    `- top functions by self time: ${list(summary.bySelf.slice(0, 8))}`,
  ];
}
