// Runs one throughput candidate alone, for a CPU profile of what it costs:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts redis-holdfast 64 5000
//   npx tsx bench/support/summarizeProfile.ts /tmp/prof/<file>.cpuprofile
// Candidates: redis-raw, redis-holdfast, mysql-raw, mysql-holdfast.
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import { createRedisClient } from '../src/ioredis/getRedisClient.js';
import { createDatabasePool } from '../src/mysql2/createDatabasePool.js';
import { formatNumber, timeBox } from './harness.js';

const [which = 'redis-holdfast', concurrencyArg = '64', durationArg = '5000'] =
  process.argv.slice(2);
const mysqlAt = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;

async function candidate(): Promise<{ run: () => Promise<unknown>; close: () => Promise<void> }> {
  switch (which) {
    case 'redis-raw': {
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      await redis.set('holdfast:bench:get', 'value');
      return { run: () => redis.get('holdfast:bench:get'), close: async () => void redis.disconnect() };
    }
    case 'redis-holdfast': {
      const client = createRedisClient({ host: '127.0.0.1', port: 6379 });
      await client.set('holdfast:bench:get', 'value');
      return { run: () => client.get('holdfast:bench:get'), close: () => client.close() };
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
await timeBox(c.run, Number(concurrencyArg), 500);
const cpu = process.cpuUsage();
const box = { ops: 0, errors: 0, firstError: undefined as unknown };
const opsPerSecond = await timeBox(c.run, Number(concurrencyArg), Number(durationArg), box);
const used = process.cpuUsage(cpu);
console.log(
  `${which} at concurrency ${concurrencyArg}: ${formatNumber(opsPerSecond)} ops/s, ${((used.user + used.system) / box.ops).toFixed(1)} µs CPU per op (user ${(used.user / box.ops).toFixed(1)}, system ${(used.system / box.ops).toFixed(1)}), ${box.errors} errors`,
);
await c.close();
