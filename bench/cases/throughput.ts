// Redis GET and MySQL `SELECT 1` through holdfast's clients and through the raw drivers, at
// concurrency 1 and 64, in interleaved time-boxed rounds against the shared servers. A second,
// identical raw client runs in every round too: holdfast is compared with the mean of the two
// raw clients, and the two raw clients with each other (an A/A control that shows how much a
// ratio moves on this machine when nothing differs).
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { createPool as createHoldfastPool } from '../../src/mysql2/promise.js';
import {
  type CaseReport,
  type Candidate,
  type TargetCheck,
  type ThroughputResult,
  formatNumber,
  interleaveThroughput,
  median,
  medianInterval,
  table,
  timeBox,
} from '../harness.js';
import { formatSummary, profileWhile, summarizeProfile } from '../support/cpuProfile.js';

const redisAt = { host: '127.0.0.1', port: 6379 } as const;
const mysqlAt = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;
const key = 'holdfast:bench:get';
const concurrencies = [1, 64] as const;

interface Trio {
  readonly system: string;
  readonly raw: Candidate;
  /** A second raw client, identical to the first: the A/A control. */
  readonly rawAgain: Candidate;
  readonly holdfast: Candidate;
  /** The ratio holdfast must reach at concurrency 64. */
  readonly target: number;
}

function rawRedis(name: string): Candidate {
  const redis = new Redis({ ...redisAt, lazyConnect: true });
  return {
    name,
    setup: async () => {
      await redis.connect();
      await redis.set(key, 'value');
    },
    run: () => redis.get(key),
    teardown: async () => {
      await redis.quit();
    },
  };
}

function redisTrio(): Trio {
  const client = createRedisClient({ ...redisAt, targetName: 'redis-bench' });
  return {
    system: 'Redis GET',
    target: 0.97,
    raw: rawRedis('raw ioredis'),
    rawAgain: rawRedis('raw ioredis (second client, A/A control)'),
    holdfast: {
      name: 'holdfast createRedisClient',
      setup: async () => {
        await client.ready();
      },
      run: () => client.get(key),
      teardown: () => client.close(),
    },
  };
}

function rawMysql(name: string): Candidate {
  const pool = createPool({ ...mysqlAt, connectionLimit: 10 });
  return { name, run: () => pool.query('SELECT 1'), teardown: () => pool.end() };
}

function mysqlTrio(): Trio {
  const pool = createHoldfastPool({ ...mysqlAt, name: 'mysql-bench', connectionLimit: 10 });
  return {
    system: 'MySQL SELECT 1',
    target: 0.98,
    raw: rawMysql('raw mysql2 pool (10)'),
    rawAgain: rawMysql('raw mysql2 pool (10, second pool, A/A control)'),
    holdfast: {
      name: 'holdfast/mysql2/promise createPool (10)',
      setup: () => pool.ready(),
      run: () => pool.query('SELECT 1'),
      teardown: () => pool.close(),
    },
  };
}

interface Row {
  readonly system: string;
  readonly concurrency: number;
  readonly raw: ThroughputResult;
  readonly rawAgain: ThroughputResult;
  readonly holdfast: ThroughputResult;
  /** Per round: holdfast / mean of the two raw clients of that round. */
  readonly ratios: readonly number[];
  /** Per round: second raw client / first (ideally 1). */
  readonly control: readonly number[];
  readonly target: number;
}

const settings = (quick: boolean): { rounds: number; durationMs: number; warmupMs: number } =>
  quick
    ? { rounds: 1, durationMs: 100, warmupMs: 100 }
    : { rounds: 24, durationMs: 400, warmupMs: 1000 };

function errorNote(result: ThroughputResult): string {
  if (result.errors === 0) return '0';
  const error = result.firstError as { code?: string; name?: string } | undefined;
  return `${result.errors} (${error?.code ?? error?.name ?? 'error'})`;
}

const spread = (values: readonly number[]): string =>
  `${Math.min(...values).toFixed(2)} … ${Math.max(...values).toFixed(2)}`;

/** `0.965x (95 % CI 0.93 … 1.00)` */
const withInterval = (values: readonly number[]): string => {
  const [low, high] = medianInterval(values);
  return `${median(values).toFixed(3)}x (95 % CI ${low.toFixed(3)} … ${high.toFixed(3)})`;
};

/**
 * A missed target is explained by CPU profiles of both clients at concurrency 64 (in the quick
 * run, a token one, so that the code path stays exercised).
 */
async function explain(trio: Trio, quick: boolean): Promise<string[]> {
  const seconds = quick ? 0.2 : 3;
  const lines = [
    `**${trio.system}: ${quick ? 'profile (quick run)' : 'target missed, so both clients were profiled'}** (V8 CPU profiler, ${seconds} s each at concurrency 64, alone; \`npx tsx bench/profile.ts\` repeats it):`,
    '',
  ];
  for (const candidate of [trio.holdfast, trio.raw]) {
    const box = { ops: 0, errors: 0, firstError: undefined as unknown, cpu: [] as number[] };
    let opsPerSecond = 0;
    const profile = await profileWhile(async () => {
      opsPerSecond = await timeBox(candidate.run, 64, seconds * 1000, box);
    });
    lines.push(
      `*${candidate.name}*: ${formatNumber(opsPerSecond)} ops/s, ${(box.cpu[0] ?? NaN).toFixed(1)} µs CPU per op; ${formatSummary(summarizeProfile(profile, 8)).join('\n')}`,
      '',
    );
  }
  return lines;
}

async function measure(trio: Trio, quick: boolean, rows: Row[]): Promise<void> {
  const candidates = [trio.raw, trio.holdfast, trio.rawAgain];
  for (const concurrency of concurrencies) {
    const [raw, holdfast, rawAgain] = await interleaveThroughput(
      // set up and torn down once per system, not per concurrency
      candidates.map((c) => ({ name: c.name, run: c.run })),
      { ...settings(quick), concurrency },
    );
    if (raw === undefined || holdfast === undefined || rawAgain === undefined) continue;
    const rawMean = raw.rounds.map((a, i) => (a + (rawAgain.rounds[i] ?? NaN)) / 2);
    rows.push({
      system: trio.system,
      concurrency,
      raw,
      rawAgain,
      holdfast,
      ratios: holdfast.rounds.map((h, i) => h / (rawMean[i] ?? NaN)),
      control: rawAgain.rounds.map((b, i) => b / (raw.rounds[i] ?? NaN)),
      target: trio.target,
    });
  }
}

export async function throughput(quick: boolean): Promise<CaseReport> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const makeTrio of [redisTrio, mysqlTrio]) {
    const trio = makeTrio();
    const candidates = [trio.raw, trio.holdfast, trio.rawAgain];
    try {
      for (const c of candidates) await c.setup?.();
      await measure(trio, quick, rows);
      const top = rows.at(-1);
      if (top !== undefined && (quick || median(top.ratios) < top.target)) {
        notes.push(...(await explain(trio, quick)));
      }
    } finally {
      for (const c of candidates) await c.teardown?.();
    }
  }
  const markdown = table(
    [
      'operation',
      'concurrency',
      'raw ops/s (median, two clients)',
      'holdfast ops/s (median)',
      'holdfast / raw (median of per-round ratios)',
      'per-round ratios (min … max)',
      'A/A control: raw / raw (median)',
      'client CPU µs per op: raw, raw (A/A), holdfast',
      'errors raw / holdfast',
    ],
    rows.map((r) => [
      r.system,
      String(r.concurrency),
      `${formatNumber(r.raw.opsPerSecond)}, ${formatNumber(r.rawAgain.opsPerSecond)}`,
      formatNumber(r.holdfast.opsPerSecond),
      withInterval(r.ratios),
      spread(r.ratios),
      withInterval(r.control),
      `${r.raw.cpuMicrosPerOp.toFixed(1)}, ${r.rawAgain.cpuMicrosPerOp.toFixed(1)}, ${r.holdfast.cpuMicrosPerOp.toFixed(1)}`,
      `${errorNote(r.raw)} / ${errorNote(r.holdfast)}`,
    ]),
  );
  const targets: TargetCheck[] = rows
    .filter((r) => r.concurrency === 64)
    .map((r) => {
      const achieved = median(r.ratios);
      const [, high] = medianInterval(r.ratios);
      const noise =
        achieved < r.target && high >= r.target ? ' — short of it, but within the noise' : '';
      return {
        target: `${r.system} through holdfast at concurrency 64 >= ${r.target}x raw`,
        measured: `${withInterval(r.ratios)}, median of ${r.ratios.length} per-round ratios${noise}; A/A control ${withInterval(r.control)}; client CPU ${r.holdfast.cpuMicrosPerOp.toFixed(1)} vs ${r.raw.cpuMicrosPerOp.toFixed(1)} µs/op`,
        met: achieved >= r.target && r.holdfast.errors === 0,
      };
    });
  const { rounds, durationMs, warmupMs } = settings(false);
  return {
    id: 'throughput',
    title: 'Throughput: Redis GET and MySQL SELECT 1',
    description: `Shared Redis ${redisAt.host}:${redisAt.port} (GET of one key set once; one connection per client) and shared MariaDB ${mysqlAt.host}:${mysqlAt.port} (\`SELECT 1\` through a pool of 10 per client). Three clients: raw, holdfast, and a second raw one. At each concurrency N workers await operations back to back; ${rounds} rounds of ${durationMs} ms per client, in a new shuffled order each round, after a ${warmupMs} ms warm-up each, a full GC before each round. The ratio is the median over rounds of holdfast / the mean of that round's two raw clients; the A/A control is the second raw client / the first, i.e. what the same measurement says when nothing differs. Intervals are 95 % bootstrap intervals of the median. Client CPU is the process's user + system time per operation.`,
    markdown,
    rows: rows.length,
    targets,
    notes,
  };
}
