import { createRedisClient } from '../src/ioredis/index.js';
import { createDatabasePool } from '../src/mysql2/index.js';

const pool = createDatabasePool({
  pool_name: 'myapp_pool',
  pool_size: 10,
  host: '127.0.0.1',
  user: 'root',
  database: 'test',
  retry: { maxRetries: 5 }, // over DB_RETRY_* over the defaults (3 retries, 1 s, 30 s)
});
const cache = createRedisClient({ url: 'redis://127.0.0.1:6379', targetName: 'redis-cache' });

// Every change, live: connecting, retrying n, connected, failed, closed.
pool.state$.subscribe((state) => {
  console.log(`myapp_pool is ${state.status}`);
});

// Calls wait through an outage (one shared reconnect loop per target) instead of failing.
const [rows] = await pool.query('SELECT ? AS answer', [42]); // a read: safe to re-send
await cache.set('greeting', 'hello'); // SET without GET: safe to re-send; INCR never is
console.log(rows, await cache.get('greeting'));

await Promise.all([pool.close(), cache.close()]);
