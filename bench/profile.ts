// Runs one throughput candidate alone and records a V8 CPU profile of the measured seconds only
// (the profiler `node --cpu-prof` uses, started after the warm-up so that start-up and
// compilation stay out of it), then prints where the time went:
//   npx tsx bench/profile.ts redis-holdfast 64 5000 /tmp/redis-holdfast.cpuprofile
// Candidates: redis-raw, redis-holdfast, mysql-raw, mysql-holdfast. The file opens in Chrome
// DevTools; bench/support/summarizeProfile.ts summarises it again.
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import { createRedisClient } from '../src/ioredis/getRedisClient.js';
import { createDatabasePool } from '../src/mysql2/createDatabasePool.js';
import { formatNumber, timeBox } from './harness.js';
import { formatSummary, profileWhile, summarizeProfile } from './support/cpuProfile.js';

const [which = 'redis-holdfast', concurrencyArg = '64', durationArg = '5000', profilePath] =
  process.argv.slice(2);
const mysqlAt = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;
const key = 'holdfast:bench:get';

async function candidate(): Promise<{ run: () => Promise<unknown>; close: () => Promise<void> }> {
  switch (which) {
    case 'redis-raw': {
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      await redis.set(key, 'value');
      return {
        run: () => redis.get(key),
        close: async () => {
          redis.disconnect();
        },
      };
    }
    case 'redis-holdfast': {
      const client = createRedisClient({ host: '127.0.0.1', port: 6379 });
      await client.set(key, 'value');
      return { run: () => client.get(key), close: () => client.close() };
    }
    case 'mysql-raw': {
      const pool = createPool({ ...mysqlAt, connectionLimit: 10 });
      return { run: () => pool.query('SELECT 1'), close: () => pool.end() };
    }
    case 'mysql-holdfast': {
      const pool = createDatabasePool({ ...mysqlAt, pool_size: 10 });
      return { run: () => pool.query('SELECT 1'), close: () => pool.close() };
    }
    default:
      throw new Error(`unknown candidate ${which}`);
  }
}

const c = await candidate();
const concurrency = Number(concurrencyArg);
await timeBox(c.run, concurrency, 1000);
const box = { ops: 0, errors: 0, firstError: undefined as unknown, cpu: [] as number[] };
let opsPerSecond = 0;
const profile = await profileWhile(async () => {
  opsPerSecond = await timeBox(c.run, concurrency, Number(durationArg), box);
});
if (profilePath !== undefined) writeFileSync(profilePath, JSON.stringify(profile));
console.log(
  `${which} at concurrency ${concurrency}: ${formatNumber(opsPerSecond)} ops/s, ${(box.cpu[0] ?? NaN).toFixed(1)} µs CPU per op, ${box.errors} errors`,
);
console.log(formatSummary(summarizeProfile(profile)).join('\n'));
await c.close();
