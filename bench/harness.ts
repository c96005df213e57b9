// Interleaved benchmark runners: every candidate of a case runs once per round, in a shuffled
// order, and the median over rounds is reported, so drift on a shared machine hits all
// candidates alike. Two shapes: a tight loop timed per call (happy-path cost) and time-boxed
// rounds counted in operations per second (throughput). A full GC runs before every timed
// round, so that one candidate's garbage (p-retry makes plenty) is not collected on another's
// time.
import { collectGarbage } from './support/heap.js';

export interface Candidate {
  readonly name: string;
  /** One operation; awaited in a tight loop. */
  readonly run: () => Promise<unknown>;
  /** Iterations per round for this candidate (a slow one needs fewer). @default the case's */
  readonly iterations?: number;
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

/** A seeded pseudo-random source in [0, 1) (an LCG): shuffles and resamples repeat exactly. */
export function seededRandom(seed = 0x2545f491): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * 95 % bootstrap confidence interval of the median of `values` (2,000 resamples, seeded): how
 * far the median could move if the rounds were run again on the same noisy machine.
 */
export function medianInterval(values: readonly number[]): readonly [number, number] {
  if (values.length < 2) return [values[0] ?? NaN, values[0] ?? NaN];
  const random = seededRandom();
  const medians: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const sample = values.map(() => values[Math.floor(random() * values.length)] ?? NaN);
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  return [medians[49] ?? NaN, medians[1949] ?? NaN];
}

/**
 * Runs `body(index)` for every candidate once per round, in a new shuffled order each round
 * (seeded, so runs are repeatable): no candidate always follows the same one, so whatever one
 * leaves behind (socket buffers, server-side work) does not land on the same neighbour.
 */
async function rotate(
  count: number,
  rounds: number,
  body: (index: number) => Promise<void>,
): Promise<void> {
  const next = seededRandom();
  for (let round = 0; round < rounds; round++) {
    const order = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
    }
    for (const index of order) await body(index);
  }
}

export async function interleave(
  candidates: readonly Candidate[],
  options: { rounds: number; iterations: number; warmup: number },
): Promise<LoopResult[]> {
  for (const c of candidates) await c.setup?.();
  try {
    for (const c of candidates) {
      await timeLoop(c.run, Math.min(options.warmup, c.iterations ?? options.warmup));
    }
    const samples = candidates.map(() => [] as number[]);
    await rotate(candidates.length, options.rounds, async (index) => {
      const candidate = candidates[index];
      if (candidate === undefined) return;
      collectGarbage();
      samples[index]?.push(
        await timeLoop(candidate.run, candidate.iterations ?? options.iterations),
      );
    });
    return candidates.map((c, i) => ({
      name: c.name,
      nsPerOp: median(samples[i] ?? []),
      rounds: samples[i] ?? [],
    }));
  } finally {
    for (const c of candidates) await c.teardown?.();
  }
}

export interface ThroughputResult {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSecond: number;
  /** Operations per second of each round, in round order (round i of every candidate ran back to back). */
  readonly rounds: readonly number[];
  /** Median process CPU time (user + system) per operation, µs: the client's own cost. */
  readonly cpuMicrosPerOp: number;
  /** Operations that rejected, over every round (they do not count as operations). */
  readonly errors: number;
  /** The first rejection, to say what went wrong. */
  readonly firstError: unknown;
}

interface Box {
  ops: number;
  errors: number;
  firstError: unknown;
  /** CPU µs per operation of each box run. */
  cpu: number[];
}

const emptyBox = (): Box => ({ ops: 0, errors: 0, firstError: undefined, cpu: [] });

/**
 * `concurrency` workers each await `run()` back to back until `durationMs` has passed; returns
 * completed operations per second. Rejections are counted, not thrown.
 */
export async function timeBox(
  run: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
  box: Box = emptyBox(),
): Promise<number> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;
  let ops = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      try {
        await run();
        ops += 1;
      } catch (error) {
        box.errors += 1;
        box.firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  box.ops += ops;
  box.cpu.push((cpu.user + cpu.system) / Math.max(ops, 1));
  return (ops * 1000) / elapsed;
}

/** Time-boxed rounds of every candidate, interleaved; a warm-up box each first. */
export async function interleaveThroughput(
  candidates: readonly Candidate[],
  options: { rounds: number; durationMs: number; warmupMs: number; concurrency: number },
): Promise<ThroughputResult[]> {
  for (const c of candidates) await c.setup?.();
  try {
    const boxes = candidates.map(emptyBox);
    for (const c of candidates) await timeBox(c.run, options.concurrency, options.warmupMs);
    const samples = candidates.map(() => [] as number[]);
    await rotate(candidates.length, options.rounds, async (index) => {
      const candidate = candidates[index];
      const box = boxes[index];
      if (candidate === undefined || box === undefined) return;
      collectGarbage();
      samples[index]?.push(
        await timeBox(candidate.run, options.concurrency, options.durationMs, box),
      );
    });
    return candidates.map((c, i) => ({
      name: c.name,
      opsPerSecond: median(samples[i] ?? []),
      rounds: samples[i] ?? [],
      cpuMicrosPerOp: median(boxes[i]?.cpu ?? []),
      errors: boxes[i]?.errors ?? 0,
      firstError: boxes[i]?.firstError,
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

/** One target of the issue and what this run measured against it. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** undefined: not measured in this run (e.g. skipped in --quick). */
  readonly met: boolean | undefined;
}

/** What every case hands back to bench/main.ts. */
export interface CaseReport {
  /** Short id printed on the summary line (`bench case <id>: <n> rows`). */
  readonly id: string;
  /** Section heading and explanation for docs/benchmarks.md. */
  readonly title: string;
  readonly description: string;
  /** Markdown tables (one or more), already formatted. */
  readonly markdown: string;
  /** Number of result rows printed (0 would mean the case produced nothing). */
  readonly rows: number;
  readonly targets: readonly TargetCheck[];
  /** Lines worth reading beside the tables (profiles, caveats). */
  readonly notes?: readonly string[];
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function ratio(value: number, reference: number): string {
  return reference > 0 ? `${(value / reference).toFixed(3)}x` : '—';
}

/** Resolves after `ms` milliseconds (bench only: the library waits through its Clock). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
