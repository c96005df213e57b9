// Redis GET and MySQL `SELECT 1` through holdfast's clients and through the raw drivers, at
// concurrency 1 and 64, in interleaved time-boxed rounds against the shared servers.
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import {
  type CaseReport,
  type Candidate,
  type TargetCheck,
  type ThroughputResult,
  formatNumber,
  interleaveThroughput,
  ratio,
  table,
} from '../harness.js';

const redisAt = { host: '127.0.0.1', port: 6379 } as const;
const mysqlAt = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;
const key = 'holdfast:bench:get';
const concurrencies = [1, 64] as const;

interface Pair {
  readonly system: string;
  readonly raw: Candidate;
  readonly holdfast: Candidate;
  /** The ratio holdfast must reach at concurrency 64. */
  readonly target: number;
}

function redisPair(): Pair {
  const raw = new Redis({ ...redisAt, lazyConnect: true });
  const client = createRedisClient({ ...redisAt, targetName: 'redis-bench' });
  return {
    system: 'Redis GET',
    target: 0.97,
    raw: {
      name: 'raw ioredis',
      setup: async () => {
        await raw.connect();
        await raw.set(key, 'value');
      },
      run: () => raw.get(key),
      teardown: async () => void (await raw.quit()),
    },
    holdfast: {
      name: 'holdfast createRedisClient',
      setup: async () => void (await client.ready()),
      run: () => client.get(key),
      teardown: () => client.close(),
    },
  };
}

function mysqlPair(): Pair {
  const raw = createPool({ ...mysqlAt, connectionLimit: 10 });
  const pool = createDatabasePool({ ...mysqlAt, pool_name: 'mysql-bench', pool_size: 10 });
  return {
    system: 'MySQL SELECT 1',
    target: 0.95,
    raw: {
      name: 'raw mysql2 pool (10)',
      run: () => raw.query('SELECT 1'),
      teardown: () => raw.end(),
    },
    holdfast: {
      name: 'holdfast createDatabasePool (10)',
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
  readonly holdfast: ThroughputResult;
}

function errorNote(result: ThroughputResult): string {
  if (result.errors === 0) return '0';
  const error = result.firstError as { code?: unknown; name?: unknown } | undefined;
  return `${result.errors} (${String(error?.code ?? error?.name ?? 'error')})`;
}

export async function throughput(quick: boolean): Promise<CaseReport> {
  const rows: Row[] = [];
  for (const makePair of [redisPair, mysqlPair]) {
    const pair = makePair();
    const candidates = [pair.raw, pair.holdfast];
    for (const c of candidates) await c.setup?.();
    try {
      for (const concurrency of concurrencies) {
        const [raw, holdfast] = await interleaveThroughput(
          // setup/teardown once per pair, not per concurrency
          candidates.map((c) => ({ name: c.name, run: c.run })),
          {
            rounds: quick ? 1 : 7,
            durationMs: quick ? 150 : 1000,
            warmupMs: quick ? 100 : 500,
            concurrency,
          },
        );
        if (raw !== undefined && holdfast !== undefined) {
          rows.push({ system: pair.system, concurrency, raw, holdfast });
        }
      }
    } finally {
      for (const c of candidates) await c.teardown?.();
    }
  }
  const markdown = table(
    [
      'operation',
      'concurrency',
      'raw ops/s (median)',
      'holdfast ops/s (median)',
      'holdfast / raw',
      'raw rounds',
      'holdfast rounds',
      'errors raw / holdfast',
    ],
    rows.map((r) => [
      r.system,
      String(r.concurrency),
      formatNumber(r.raw.opsPerSecond),
      formatNumber(r.holdfast.opsPerSecond),
      ratio(r.holdfast.opsPerSecond, r.raw.opsPerSecond),
      r.raw.rounds.map((v) => formatNumber(v)).join(' '),
      r.holdfast.rounds.map((v) => formatNumber(v)).join(' '),
      `${errorNote(r.raw)} / ${errorNote(r.holdfast)}`,
    ]),
  );
  const targets: TargetCheck[] = rows
    .filter((r) => r.concurrency === 64)
    .map((r) => {
      const wanted = r.system === 'Redis GET' ? 0.97 : 0.95;
      const achieved = r.holdfast.opsPerSecond / r.raw.opsPerSecond;
      return {
        target: `${r.system} through holdfast at concurrency 64 >= ${wanted}x raw`,
        measured: `${achieved.toFixed(3)}x (${formatNumber(r.holdfast.opsPerSecond)} vs ${formatNumber(r.raw.opsPerSecond)} ops/s)`,
        met: achieved >= wanted && r.holdfast.errors === 0,
      };
    });
  return {
    id: 'throughput',
    title: 'Throughput: Redis GET and MySQL SELECT 1',
    description: `Shared Redis ${redisAt.host}:${redisAt.port} (GET of one key set once; one connection each) and shared MariaDB ${mysqlAt.host}:${mysqlAt.port} (\`SELECT 1\` through a pool of 10 each). At each concurrency, N workers await operations back to back; 7 interleaved rounds of 1 s after a 0.5 s warm-up each; medians.`,
    markdown,
    rows: rows.length,
    targets,
  };
}
