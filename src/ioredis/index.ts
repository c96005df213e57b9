// holdfast/ioredis: the retrying ioredis client (issue 5). Only this entry point imports ioredis.
export { createRedisClient, getRedisClient } from './getRedisClient.js';
export { RedisClient, type RedisCallOptions } from './RedisClient.js';
export {
  type OwnedIoredisOption,
  type RedisClientOptions,
  type RedisClientOwnOptions,
  ownedIoredisOptions,
} from './RedisClientOptions.js';
export {
  RedisCommands,
  type RedisArgument,
  type RedisFieldMap,
  type RedisKey,
} from './RedisCommands.js';
export { RedisConnection } from './RedisConnection.js';
export { RedisConnectionError, type RedisConnectionErrorCode } from './RedisConnectionError.js';
export {
  type CommandRule,
  type CommandSafety,
  blockingCommands,
  commandSafety,
  commandTable,
  isBlockingCommand,
  isResendable,
} from './commandTable.js';
export {
  type IoredisStatus,
  connectionStatusOf,
  ioredisStatusTable,
  ioredisStatuses,
} from './ioredisStatus.js';

// Shared circuit-breaker store in Redis (issue 7)
export { RedisSharedStore, type RedisSharedStoreOptions } from './shared/RedisSharedStore.js';

// Redis Cluster (issue 18)
export { RedisCluster, type ClusterLink } from './RedisCluster.js';
export {
  type RedisClusterOptions,
  type RedisClusterOwnOptions,
  ownedClusterOptions,
} from './resolveRedisClusterOptions.js';
export { createRedisCluster } from './createRedisCluster.js';
