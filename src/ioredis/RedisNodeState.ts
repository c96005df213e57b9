/** A node's role in the cluster's slot map, as ioredis last learnt it. */
export type RedisNodeRole = 'master' | 'replica';

/**
 * One node connection of a cluster (ioredis keeps one `Redis` per node, keyed `host:port`):
 * - `idle`: known from the slot map, not connected yet (ioredis connects a node on its first
 *   command);
 * - `connecting`: the socket is opening (or the ready check runs);
 * - `connected`: ready for commands;
 * - `lost`: the connection closed (`error` is the last one the node reported). ioredis never
 *   reconnects a node connection: the cluster's next slot refresh drops the node, or a new
 *   connection to the same address starts again at `idle`.
 */
export type RedisNodeState =
  | { readonly status: 'idle'; readonly role: RedisNodeRole }
  | { readonly status: 'connecting'; readonly role: RedisNodeRole }
  | { readonly status: 'connected'; readonly role: RedisNodeRole }
  | { readonly status: 'lost'; readonly role: RedisNodeRole; readonly error: Error | undefined };

export type RedisNodeStatus = RedisNodeState['status'];

/** The moves one node connection can make; a new connection to the same address starts anew. */
export const redisNodeTransitions = {
  idle: ['connecting', 'lost'],
  connecting: ['connected', 'lost'],
  connected: ['lost'],
  lost: [],
} as const satisfies Record<RedisNodeStatus, readonly RedisNodeStatus[]>;

/** True when `redisNodeTransitions` allows the move (a status kept, e.g. a new role, is allowed). */
export function isAllowedNodeTransition(from: RedisNodeStatus, to: RedisNodeStatus): boolean {
  return from === to || (redisNodeTransitions[from] as readonly RedisNodeStatus[]).includes(to);
}
