import type { EventEmitter } from 'node:events';
import { BehaviorSubject, type Observable } from 'rxjs';
import {
  type RedisNodeRole,
  type RedisNodeState,
  type RedisNodeStatus,
  isAllowedNodeTransition,
} from './RedisNodeState.js';

/** A node connection as ioredis hands it out (`+node`, `cluster.nodes()`): a `Redis`. */
export interface ClusterNodeConnection extends EventEmitter {
  readonly status: string;
  readonly options: { readonly host?: string; readonly port?: number; readonly readOnly?: boolean };
}

/** The cluster's public side these states are read from: its node events and `nodes(role)`. */
export interface NodeSource extends EventEmitter {
  nodes(role?: 'all' | 'master' | 'slave'): ClusterNodeConnection[];
}

interface Entry {
  readonly node: ClusterNodeConnection;
  state: RedisNodeState;
  lastError: Error | undefined;
  readonly detach: () => void;
}

/** ioredis's key of a node (cluster/util.ts `getNodeKey`): `host:port`. */
export function nodeKey(node: ClusterNodeConnection): string {
  return `${node.options.host ?? '127.0.0.1'}:${String(node.options.port ?? 6379)}`;
}

/** What each status event of a node connection (ioredis's `setStatus`) means for its state. */
const statusOf: Readonly<Record<string, RedisNodeStatus>> = {
  wait: 'idle',
  connecting: 'connecting',
  connect: 'connecting',
  ready: 'connected',
  close: 'lost',
  end: 'lost',
};

/**
 * The state of each node connection of a cluster, keyed `host:port` (`RedisCluster.nodeStates$`),
 * read from ioredis's public events only: `+node` / `-node` on the cluster, the status events and
 * `error` of each node's `Redis`, and `refresh` (a new slot map: roles are read again from
 * `cluster.nodes('slave')`, and nodes ioredis no longer holds leave the map).
 */
export class ClusterNodeStates {
  readonly states$: Observable<ReadonlyMap<string, RedisNodeState>>;
  readonly #subject = new BehaviorSubject<ReadonlyMap<string, RedisNodeState>>(new Map());
  readonly #entries = new Map<string, Entry>();
  readonly #source: NodeSource;

  constructor(source: NodeSource) {
    this.#source = source;
    this.states$ = this.#subject.asObservable();
    source.on('+node', (node: ClusterNodeConnection) => {
      this.#add(node);
    });
    source.on('-node', (node: ClusterNodeConnection) => {
      const entry = this.#current(node);
      if (entry !== undefined) this.#move(entry, 'lost');
    });
    source.on('refresh', () => {
      this.#refresh();
    });
  }

  /** The current map (a snapshot; `states$` for changes). */
  get states(): ReadonlyMap<string, RedisNodeState> {
    return this.#subject.value;
  }

  /** After the cluster closed: `states$` completes with the last map. */
  complete(): void {
    this.#subject.complete();
  }

  #add(node: ClusterNodeConnection): void {
    const key = nodeKey(node);
    this.#entries.get(key)?.detach();
    const onStatus = (status: string) => () => {
      const entry = this.#current(node);
      const next = statusOf[status];
      if (entry !== undefined && next !== undefined) this.#move(entry, next);
    };
    const onError = (error: Error): void => {
      const entry = this.#current(node);
      if (entry !== undefined) entry.lastError = error;
    };
    const listeners = Object.keys(statusOf).map((status) => [status, onStatus(status)] as const);
    for (const [status, listener] of listeners) node.on(status, listener);
    node.on('error', onError);
    const role: RedisNodeRole = node.options.readOnly === true ? 'replica' : 'master';
    const status = statusOf[node.status] ?? 'idle';
    const entry: Entry = {
      node,
      state: status === 'lost' ? { status, role, error: undefined } : { status, role },
      lastError: undefined,
      detach: () => {
        for (const [name, listener] of listeners) node.off(name, listener);
        node.off('error', onError);
      },
    };
    this.#entries.set(key, entry);
    this.#publish();
  }

  #current(node: ClusterNodeConnection): Entry | undefined {
    const entry = this.#entries.get(nodeKey(node));
    return entry?.node === node ? entry : undefined;
  }

  #move(entry: Entry, status: RedisNodeStatus, role = entry.state.role): void {
    const from = entry.state.status;
    if ((from === status && role === entry.state.role) || !isAllowedNodeTransition(from, status)) {
      return;
    }
    entry.state = status === 'lost' ? { status, role, error: entry.lastError } : { status, role };
    this.#publish();
  }

  /** A new slot map: roles as ioredis now sees them; nodes it dropped leave the map. */
  #refresh(): void {
    const held = new Set(this.#source.nodes('all').map(nodeKey));
    const replicas = new Set(this.#source.nodes('slave').map(nodeKey));
    let changed = false;
    for (const [key, entry] of this.#entries) {
      if (!held.has(key)) {
        entry.detach();
        this.#entries.delete(key);
        changed = true;
        continue;
      }
      const role: RedisNodeRole = replicas.has(key) ? 'replica' : 'master';
      if (role !== entry.state.role) {
        entry.state = { ...entry.state, role };
        changed = true;
      }
    }
    if (changed) this.#publish();
  }

  #publish(): void {
    const map = new Map<string, RedisNodeState>();
    for (const [key, entry] of this.#entries) map.set(key, entry.state);
    this.#subject.next(map);
  }
}
