import type { ClusterNode } from 'ioredis';
import { RedisCluster } from './RedisCluster.js';
import type { RedisClusterOptions } from './resolveRedisClusterOptions.js';

/**
 * A Redis Cluster client: an instance of ioredis's `Cluster` with holdfast's retry policy on its
 * reconnects and command retries, and `state$`, `events$`, `ready()`, `close()` added. Opens
 * nothing until the first command or `ready()`.
 *
 * @param startupNodes where to discover the cluster (any reachable node is enough)
 * @throws {ConfigurationError} an option holdfast owns, a malformed `retry` or `REDIS_RETRY_*`
 * @example
 * const cluster = createRedisCluster([{ host: '127.0.0.1', port: 7000 }], {
 *   retry: { baseDelayMs: 100, maxDelayMs: 500, maxRetries: 40, maxElapsedMs: 15_000 },
 * });
 * await cluster.incr('visits');
 * await cluster.close();
 */
export function createRedisCluster(
  startupNodes: ClusterNode[],
  options: RedisClusterOptions = {},
): RedisCluster {
  return new RedisCluster(startupNodes, options);
}
