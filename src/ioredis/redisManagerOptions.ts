import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { ConnectionManagerOptions } from '../connection/ConnectionManagerOptions.js';
import type { ResolvedRedisClientOptions } from './resolveRedisClientOptions.js';

/** One connection of a client: the same ioredis instance, a new socket. */
export interface RedisLink {
  /** Counts the client's connections: 1 for the first, 2 after the first reconnect ... */
  readonly epoch: number;
}

/** How the client opens, drops and watches its links (the manager's callbacks). */
export type RedisLinkCallbacks = Pick<
  ConnectionManagerOptions<RedisLink>,
  'connect' | 'disconnect' | 'lost'
>;

/** The options of a client's `ConnectionManager`: its callbacks plus the resolved policy. */
export function redisManagerOptions(
  resolved: ResolvedRedisClientOptions,
  callbacks: RedisLinkCallbacks,
): ConnectionManagerOptions<RedisLink> {
  const own = resolved.own;
  return {
    name: resolved.targetName,
    ...callbacks,
    retry: own.retry ?? {},
    retryDefaults: resolved.retryDefaults,
    classifier: own.classifier ?? new ErrorClassifier({ tables: ['redis'] }),
    target: resolved.target,
    connectTimeoutMs: resolved.connectTimeoutMs,
    ...(own.circuitBreaker !== undefined && { circuitBreaker: own.circuitBreaker }),
    ...(own.budget !== undefined && { budget: own.budget }),
    ...(own.logger !== undefined && { logger: own.logger }),
    ...(own.tracer !== undefined && { tracer: own.tracer }),
    ...(own.meter !== undefined && { meter: own.meter }),
    ...(own.clock !== undefined && { clock: own.clock }),
    ...(own.random !== undefined && { random: own.random }),
  };
}
