import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import {
  DatabaseConnectionRetry,
  RedisConnectionRetry,
  consoleLogger,
  getDbConnectionRetry,
  withRedisRetry,
} from '../src/index.js';

// The reference design's log lines: INFO: Attempting to connect to mysql-main, ...
const logger = consoleLogger({ level: 'info' });

// retry = DatabaseConnectionRetry(max_retries=3)
const retry = new DatabaseConnectionRetry({ maxRetries: 3, logger });
// connection = retry.connect_with_retry(connect, "mysql-main")
const connection = await retry.connectWithRetry(
  () => createConnection({ host: '127.0.0.1', user: 'root', database: 'test' }),
  'mysql-main',
);
// results = retry.execute_with_retry(query, "fetch users")
const [rows] = await retry.executeWithRetry(
  () => connection.query('SELECT 1 AS ok'),
  'fetch users',
);
console.log(rows);
await connection.end();

// retry = RedisConnectionRetry(max_retries=3); client = retry.connect_with_retry(connect, ...)
const redisRetry = new RedisConnectionRetry({ maxRetries: 3, logger });
const client = await redisRetry.connectWithRetry(
  () => new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true }),
  'redis-cache',
); // verified with PING before it is returned
await redisRetry.executeWithRetry(() => client.set('my_key', 'v'), 'set my_key');

// @with_redis_retry(max_retries=3, base_delay=0.5)
const getCachedValue = withRedisRetry({ maxRetries: 3, baseDelayMs: 500 })((key: string) =>
  client.get(key),
);
console.log(await getCachedValue('my_key')); // 'v'
client.disconnect();

// get_db_connection_retry(max_retries=5, base_delay=2.0, max_delay=60.0): env applied under it
const custom = getDbConnectionRetry({ maxRetries: 5, baseDelayMs: 2000, maxDelayMs: 60_000 });
console.log(custom.policy.maxRetries, custom.policy.baseDelayMs, custom.policy.maxDelayMs);
