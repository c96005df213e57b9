// The clients whose recovery the recovery case times: holdfast's (their attempts read from
// `state$`) and the raw drivers with their defaults (ioredis's reconnects read from its status
// events; a raw mysql2 pool has no reconnect loop: each query is its own attempt).
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import type { Observable } from 'rxjs';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import type { Outage } from './outages.js';

/** One connection attempt: when it was due, began and connected (`performance.now()`). */
export interface Attempt {
  readonly scheduledAt: number;
  readonly startedAt: number;
  connectedAt: number | undefined;
}

/** One operation of the load: when it was issued and, if it succeeded, when. */
export interface Operation {
  readonly issuedAt: number;
  succeededAt: number | undefined;
  /** When it settled, either way. */
  settledAt: number | undefined;
  failed: boolean;
}

export interface Subject {
  readonly name: string;
  readonly holdfast: boolean;
  /** Each operation is its own attempt (a raw pool): no reconnect loop to read. */
  readonly attemptsAreOperations: boolean;
  readonly attempts: Attempt[];
  /** One operation of the light load (GET / SELECT 1). */
  op(): Promise<unknown>;
  ready(): Promise<void>;
  close(): Promise<void>;
}

type Status = { status: 'retrying'; delayMs: number } | { status: string };

/** Reads attempts off a holdfast `state$`: `retrying {delayMs}` schedules, `connecting` starts. */
function recordAttempts(state$: Observable<Status>, attempts: Attempt[]): void {
  let due: number | undefined;
  state$.subscribe((state) => {
    const now = performance.now();
    if (state.status === 'retrying' && 'delayMs' in state) due = now + state.delayMs;
    if (state.status === 'connecting') {
      attempts.push({ scheduledAt: due ?? now, startedAt: now, connectedAt: undefined });
      due = undefined;
    }
    const last = attempts.at(-1);
    if (state.status === 'connected' && last !== undefined) last.connectedAt = now;
  });
}

export function holdfastRedis(outage: Outage): Subject {
  const client = createRedisClient({
    host: outage.host,
    port: outage.port,
    targetName: 'redis-recovery',
  });
  const attempts: Attempt[] = [];
  recordAttempts(client.state$, attempts);
  return {
    name: 'holdfast createRedisClient (defaults: 3 retries, 0.5 s base, 10 s max)',
    holdfast: true,
    attemptsAreOperations: false,
    attempts,
    op: () => client.get('holdfast:bench:recovery'),
    ready: async () => {
      await client.ready();
    },
    close: () => client.close(),
  };
}

export function rawRedis(outage: Outage): Subject {
  const redis = new Redis({ host: outage.host, port: outage.port, lazyConnect: true });
  const attempts: Attempt[] = [];
  let due: number | undefined;
  redis.on('error', () => undefined);
  redis.on('reconnecting', (delay: number) => {
    due = performance.now() + delay;
  });
  redis.on('connecting', () => {
    const now = performance.now();
    attempts.push({ scheduledAt: due ?? now, startedAt: now, connectedAt: undefined });
    due = undefined;
  });
  redis.on('ready', () => {
    const last = attempts.at(-1);
    if (last !== undefined) last.connectedAt = performance.now();
  });
  return {
    name: 'raw ioredis (defaults: retryStrategy min(n * 50, 2000) ms, offline queue)',
    holdfast: false,
    attemptsAreOperations: false,
    attempts,
    op: () => redis.get('holdfast:bench:recovery'),
    ready: () => redis.connect(),
    close: async () => {
      redis.disconnect();
    },
  };
}

export function holdfastMysql(outage: Outage): Subject {
  const pool = createDatabasePool({
    host: outage.host,
    port: outage.port,
    user: 'root',
    database: 'test',
    pool_name: 'mysql-recovery',
    pool_size: 10,
  });
  const attempts: Attempt[] = [];
  recordAttempts(pool.state$, attempts);
  return {
    name: 'holdfast createDatabasePool (defaults: 3 retries, 1 s base, 30 s max)',
    holdfast: true,
    attemptsAreOperations: false,
    attempts,
    op: () => pool.query('SELECT 1'),
    ready: () => pool.ready(),
    close: () => pool.close({ timeoutMs: 1000 }),
  };
}

export function rawMysql(outage: Outage): Subject {
  const pool = createPool({
    host: outage.host,
    port: outage.port,
    user: 'root',
    database: 'test',
    connectionLimit: 10,
  });
  return {
    name: 'raw mysql2 pool (10): no reconnect loop, each query connects as needed',
    holdfast: false,
    attemptsAreOperations: true,
    attempts: [],
    op: () => pool.query('SELECT 1'),
    ready: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
