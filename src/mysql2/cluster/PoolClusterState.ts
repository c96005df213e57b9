import type { ConnectionStatus } from '../../connection/ConnectionState.js';
import type { PoolClusterRole } from './ClusterNode.js';

/**
 * The cluster as a whole:
 * - `connected`: a node accepts writes (`primary` names it);
 * - `read-only`: no node accepts writes, but a replica is connected (reads work, writes wait);
 * - `connecting`: no node is connected yet, or the connected ones' roles are being asked;
 * - `failed`: every node's reconnect loop gave up (each starts again after `restoreNodeTimeout`);
 * - `idle`: nothing asked yet; `closed`: ended.
 */
export type PoolClusterStatus =
  'idle' | 'connecting' | 'read-only' | 'connected' | 'failed' | 'closed';

/** One node: its pool's connection status and its server's role. */
export interface PoolClusterNodeState {
  /** The node pool's connection status (its own `state$` has the details). */
  readonly status: ConnectionStatus;
  /** What its server said when last asked (`unknown` while not connected). */
  readonly role: PoolClusterRole;
}

/** A snapshot of the cluster (see `cluster.state$`). */
export interface PoolClusterState {
  /** See `PoolClusterStatus`. */
  readonly status: PoolClusterStatus;
  /** The node writes go to, while there is one. */
  readonly primary?: string;
  /** Every node, by id, in the order they were added. */
  readonly nodes: Readonly<Record<string, PoolClusterNodeState>>;
}

interface NodeView {
  readonly id: string;
  readonly status: ConnectionStatus;
  readonly role: PoolClusterRole;
}

/** The cluster's state from its nodes' (a pure function: the cluster's status is derived, not kept). */
export function clusterState(
  nodes: readonly NodeView[],
  primary: string | undefined,
  closed: boolean,
): PoolClusterState {
  const byId: Record<string, PoolClusterNodeState> = {};
  for (const node of nodes) byId[node.id] = { status: node.status, role: node.role };
  const status: PoolClusterStatus = closed
    ? 'closed'
    : primary !== undefined
      ? 'connected'
      : nodes.some((n) => n.status === 'connected' && n.role === 'replica')
        ? 'read-only'
        : nodes.length > 0 && nodes.every((n) => n.status === 'failed')
          ? 'failed'
          : nodes.every((n) => n.status === 'idle')
            ? 'idle'
            : 'connecting';
  return primary === undefined ? { status, nodes: byId } : { status, primary, nodes: byId };
}

/** A key that changes whenever anything in the state does (so `state$` emits only changes). */
export function stateKey(state: PoolClusterState): string {
  const nodes = Object.entries(state.nodes).map(([id, n]) => `${id}:${n.status}:${n.role}`);
  return `${state.status}|${state.primary ?? ''}|${nodes.join(',')}`;
}
