// Interleaved micro-benchmark runner: every candidate of a case runs once per round, in a
// rotating order, and the median over rounds is reported, so drift on a shared machine hits all
// candidates alike.

export interface Candidate {
  readonly name: string;
  /** One operation; awaited in a tight loop. */
  readonly run: () => Promise<unknown>;
  readonly setup?: () => Promise<void>;
  readonly teardown?: () => Promise<void>;
}

export interface LoopResult {
  readonly name: string;
  /** Median nanoseconds per operation over the rounds. */
  readonly nsPerOp: number;
  readonly rounds: readonly number[];
}

export async function timeLoop(run: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await run();
  return Number(process.hrtime.bigint() - start) / iterations;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export async function interleave(
  candidates: readonly Candidate[],
  options: { rounds: number; iterations: number; warmup: number },
): Promise<LoopResult[]> {
  for (const c of candidates) await c.setup?.();
  try {
    for (const c of candidates) await timeLoop(c.run, options.warmup);
    const samples = candidates.map(() => [] as number[]);
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < candidates.length; k++) {
        const index = (k + round) % candidates.length;
        const candidate = candidates[index];
        if (candidate === undefined) continue;
        samples[index]?.push(await timeLoop(candidate.run, options.iterations));
      }
    }
    return candidates.map((c, i) => ({
      name: c.name,
      nsPerOp: median(samples[i] ?? []),
      rounds: samples[i] ?? [],
    }));
  } finally {
    for (const c of candidates) await c.teardown?.();
  }
}

/** Markdown table helper. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
