// holdfast/ioredis: ioredis's own Redis, kept connected by holdfast. Only this entry point
// imports ioredis.
export { createRedisClient, getRedisClient } from './getRedisClient.js';
export { RedisClient } from './RedisClient.js';
export type { RedisLink } from './redisManagerOptions.js';
export {
  type OwnedIoredisOption,
  type RedisClientOptions,
  type RedisClientOwnOptions,
  ownedIoredisOptions,
} from './RedisClientOptions.js';
export { RedisConnectionError, type RedisConnectionErrorCode } from './RedisConnectionError.js';
export { type CommandSafety, commandSafety } from './commandTable.js';

// Shared circuit-breaker and budget store in Redis (issue 7)
export { RedisSharedStore, type RedisSharedStoreOptions } from './shared/RedisSharedStore.js';

// Redis Cluster (issue 18)
export { RedisCluster, type ClusterLink } from './RedisCluster.js';
export {
  type RedisClusterOptions,
  type RedisClusterOwnOptions,
  ownedClusterOptions,
} from './resolveRedisClusterOptions.js';
export { createRedisCluster } from './createRedisCluster.js';
export type { RedisNodeRole, RedisNodeState, RedisNodeStatus } from './RedisNodeState.js';
