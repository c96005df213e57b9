import { Redis } from 'ioredis';
import { freePort } from './servers/freePort.js';

/**
 * An ioredis client pointed at a free port with nothing listening: every command fails at once
 * (no offline queue, no retries, no reconnect), and its `error` events are swallowed.
 */
export async function unreachableRedis(): Promise<Redis> {
  const dead = new Redis({
    host: '127.0.0.1',
    port: await freePort(),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  dead.on('error', () => undefined);
  return dead;
}
