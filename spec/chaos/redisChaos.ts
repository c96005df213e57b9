// Shared tools of the Redis chaos specs (redis*.spec.ts): an INCR load through holdfast or raw
// ioredis, kills timed right after the server's append-only write, and the raw-ioredis baseline.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { RedisServer } from '../helpers/servers/RedisServer.js';
import { resourceSnapshot } from './invariants.js';

/** `--appendonly yes --appendfsync always`: every acknowledged INCR is on disk before its reply. */
export function startDurableRedis(
  start: typeof RedisServer.start,
): ReturnType<typeof RedisServer.start> {
  return start({ appendonly: true, args: ['--appendfsync', 'always'] });
}

/** The incremental AOF file of a Redis 7 server (appendonlydir/<name>.incr.aof). */
function aofFile(server: RedisServer): string | undefined {
  const dir = join(server.dir, 'data', 'appendonlydir');
  try {
    const name = readdirSync(dir).find((file) => file.endsWith('.incr.aof'));
    return name === undefined ? undefined : join(dir, name);
  } catch {
    return undefined;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

/**
 * SIGKILLs the server the moment its append-only file grows: the write just fsynced (so it
 * survives), its reply is being written or still queued, so the INCRs in flight are likely applied
 * but unanswered, the case that makes a re-send apply them twice. Falls back to a plain kill when
 * the file does not grow within `withinMs`.
 */
export async function killAfterAofWrite(server: RedisServer, withinMs = 500): Promise<boolean> {
  const file = aofFile(server);
  const pid = server.pid;
  if (file === undefined || pid === undefined) {
    await server.kill();
    return false;
  }
  const start = sizeOf(file);
  const deadline = performance.now() + withinMs;
  const timed = await new Promise<boolean>((resolve) => {
    const poll = (): void => {
      if (sizeOf(file) > start) {
        process.kill(pid, 'SIGKILL');
        resolve(true);
      } else if (performance.now() > deadline) {
        resolve(false);
      } else {
        setImmediate(poll);
      }
    };
    poll();
  });
  await server.kill();
  return timed;
}

/**
 * The handles before a scenario, for `assertHandlesReleased`. Mocha arms a test's own timeout
 * timer only after the test function has returned its promise, that is after its first `await`;
 * a snapshot taken before that misses the timer and later counts it as left behind.
 */
export async function handleBaseline(): Promise<Record<string, number>> {
  await Promise.resolve();
  return resourceSnapshot();
}

/** Reads a counter over a short-lived raw connection (never through the client under test). */
export async function readCounter(port: number, key: string): Promise<number> {
  const reader = new Redis({
    port,
    lazyConnect: true,
    retryStrategy: null,
    maxRetriesPerRequest: 0,
  });
  reader.on('error', () => undefined);
  try {
    await reader.connect();
    return Number((await reader.get(key)) ?? 0);
  } finally {
    reader.disconnect();
  }
}

/** ioredis 6 with its defaults, the baseline: only an `error` listener is added. */
export function rawIoredis(port: number): Redis {
  const redis = new Redis({ port });
  redis.on('error', () => undefined);
  return redis;
}

/** Waits `ms` of real time (chaos specs run on real servers and real time). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? undefined : { signal });
}

/** The median of some values (0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** A spread of values for a report: `median 512 ms (min 301, max 790)`. */
export function spread(values: readonly number[], unit = 'ms'): string {
  if (values.length === 0) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${Math.round(median)} ${unit} (min ${Math.round(sorted[0]!)}, max ${Math.round(sorted.at(-1)!)})`;
}
