import { EventEmitter } from 'node:events';
import type { FieldPacket, QueryResult, QueryValues } from 'mysql2';
import type { PoolConnection as PromisePoolConnection } from 'mysql2/promise';
import type { Observable } from 'rxjs';
import type { ReadyOptions } from '../../connection/ConnectionManagerOptions.js';
import type { PoolConfig } from '../createPool.js';
import type { HoldfastPool } from '../HoldfastPool.js';
import type { HoldfastQueryOptions } from '../poolStatements.js';
import type { ClusterNamespace } from './ClusterNamespace.js';
import type { PoolClusterState } from './PoolClusterState.js';

/** What the promise form needs of the callback cluster (a `HoldfastPoolCluster` is one). */
export interface CallbackPoolCluster extends EventEmitter {
  readonly name: string;
  readonly state$: Observable<PoolClusterState>;
  readonly state: PoolClusterState;
  add(id: string | PoolConfig, config?: PoolConfig): void;
  remove(pattern: string): void;
  of(pattern?: string, selector?: string): ClusterNamespace;
  writer(): ClusterNamespace;
  reader(selector?: string): ClusterNamespace;
  pool(id: string): HoldfastPool | undefined;
  ready(options?: ReadyOptions): Promise<void>;
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

type Statement = (sql: unknown, values?: unknown) => Promise<[unknown, FieldPacket[]]>;

/** mysql2/promise's `PoolNamespace` over a holdfast cluster namespace. */
export class PromiseClusterNamespace {
  readonly #namespace: ClusterNamespace;

  constructor(namespace: ClusterNamespace) {
    this.#namespace = namespace;
  }

  /** A connection of the picked node's pool (mysql2/promise's `PoolConnection`); `release()` it. */
  getConnection(): Promise<PromisePoolConnection> {
    return this.#namespace.run((node) => node.pool.getConnection());
  }

  /** mysql2/promise's `query` on the picked node's pool (its re-send rules apply). */
  query<T extends QueryResult = QueryResult>(
    sql: string | HoldfastQueryOptions,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]> {
    return this.#statement('query', sql, values) as Promise<[T, FieldPacket[]]>;
  }

  /** mysql2/promise's `execute` on the picked node's pool (its re-send rules apply). */
  execute<T extends QueryResult = QueryResult>(
    sql: string | HoldfastQueryOptions,
    values?: QueryValues,
  ): Promise<[T, FieldPacket[]]> {
    return this.#statement('execute', sql, values) as Promise<[T, FieldPacket[]]>;
  }

  #statement(method: 'query' | 'execute', sql: unknown, values: unknown): Promise<unknown> {
    if (typeof values === 'function') {
      throw new TypeError('Callback function is not available with promise clients.');
    }
    return this.#namespace.run((node) => (node.pool[method] as Statement)(sql, values));
  }
}

/**
 * The promise form of holdfast's pool cluster (what `holdfast/mysql2/promise`'s
 * `createPoolCluster` returns and `cluster.promise()` gives): mysql2/promise's `PoolCluster`
 * API over the same nodes, with holdfast's additions. `.poolCluster` is the callback cluster.
 */
export class PromisePoolCluster extends EventEmitter {
  /** The callback cluster under this one (as mysql2's `.poolCluster`). */
  readonly poolCluster: CallbackPoolCluster;

  constructor(poolCluster: CallbackPoolCluster) {
    super();
    this.poolCluster = poolCluster;
    for (const event of ['warn', 'remove', 'online', 'offline']) {
      poolCluster.on(event, (...args: unknown[]) => this.emit(event, ...args));
    }
  }

  /** The cluster's name. */
  get name(): string {
    return this.poolCluster.name;
  }

  /** See `HoldfastPoolCluster.state$`. */
  get state$(): Observable<PoolClusterState> {
    return this.poolCluster.state$;
  }

  /** The cluster's state now. */
  get state(): PoolClusterState {
    return this.poolCluster.state;
  }

  /** mysql2's `add`: a node named `id` with holdfast's `createPool` config (see the callback cluster). */
  add(id: string | PoolConfig, config?: PoolConfig): void {
    this.poolCluster.add(id, config);
  }

  /** mysql2's `remove`: ends the pools of the nodes whose id matches `pattern`. */
  remove(pattern: string): void {
    this.poolCluster.remove(pattern);
  }

  /** mysql2's `of`: the connected nodes whose id matches `pattern`, picked by `selector`. */
  of(pattern?: string, selector?: string): PromiseClusterNamespace {
    return new PromiseClusterNamespace(this.poolCluster.of(pattern, selector));
  }

  /** Writes: the node that accepts them, followed across a failover. */
  writer(): PromiseClusterNamespace {
    return new PromiseClusterNamespace(this.poolCluster.writer());
  }

  /** Reads: a connected replica, else the primary. */
  reader(selector?: string): PromiseClusterNamespace {
    return new PromiseClusterNamespace(this.poolCluster.reader(selector));
  }

  /** mysql2's `getConnection([pattern], [selector])`. */
  getConnection(pattern?: string, selector?: string): Promise<PromisePoolConnection> {
    return this.of(pattern, selector).getConnection();
  }

  /** A node's own pool (callback form), or undefined. */
  pool(id: string): HoldfastPool | undefined {
    return this.poolCluster.pool(id);
  }

  /** See `HoldfastPoolCluster.ready`. */
  ready(options?: ReadyOptions): Promise<void> {
    return this.poolCluster.ready(options);
  }

  /** mysql2's `end`: ends every node's pool. */
  end(): Promise<void> {
    return this.poolCluster.close({ timeoutMs: 0 });
  }

  /** Ends every node's pool (checked-out connections get `timeoutMs` to come back). */
  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    return this.poolCluster.close(options);
  }

  /** Ends the cluster (`await using cluster = ...`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }
}
