import { EventEmitter } from 'node:events';
import { BehaviorSubject, type Observable } from 'rxjs';
import { isUnsent, markUnsent } from '../../classify/unsent.js';
import type { ReadyOptions } from '../../connection/ConnectionManagerOptions.js';
import { AbortedError } from '../../errors/AbortedError.js';
import { ClosedError } from '../../errors/ClosedError.js';
import type { PoolConfig } from '../createPool.js';
import type { HoldfastPool, HoldfastPromisePool } from '../HoldfastPool.js';
import { ClusterCheckoutError } from './ClusterCheckoutError.js';
import {
  ClusterNamespace,
  type ClusterRouter,
  type ConnectionCallback,
} from './ClusterNamespace.js';
import { ClusterNode, isReadOnlyRefusal } from './ClusterNode.js';
import { ClusterWaits } from './ClusterWaits.js';
import { PromisePoolCluster } from './PromisePoolCluster.js';
import { parseSelector, type ResolvedPoolClusterOptions } from './PoolClusterOptions.js';
import { type PoolClusterState, clusterState, stateKey } from './PoolClusterState.js';
import {
  type RouteTarget,
  choosePrimary,
  makeSelector,
  patternRegExp,
  patternTarget,
  primaryTarget,
  replicaTarget,
} from './routeTargets.js';

/** Builds one node's pool (holdfast's `createPool`, promise form; a fake in unit specs). */
export type NodePoolFactory = (id: string, config: PoolConfig) => HoldfastPromisePool;

/** Options of one routed call. */
export interface RouteOptions {
  /** The call's wait limit, ms. @default the cluster's `checkoutTimeoutMs` */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * holdfast's pool cluster: mysql2's `PoolCluster` API (`add`, `remove`, `of`, `getConnection`,
 * `end`, the 'online' / 'offline' / 'remove' / 'warn' events) over holdfast pools, one per node,
 * each with its own reconnect loop and `state$`. mysql2's own PoolCluster builds its nodes' pools
 * itself and has no seam for a decorated one (ADR 0018), so the routing is holdfast's, in
 * mysql2's terms. Added: `writer()` (the node that accepts writes, found by asking each server
 * `@@global.read_only`, followed across a failover), `reader()` (replicas, else the primary),
 * `state$` / `state` / `ready()` for the cluster and `pool(id)` for a node's own pool.
 */
export class HoldfastPoolCluster extends EventEmitter {
  /** The cluster's name (`name` option). */
  readonly name: string;
  readonly #options: ResolvedPoolClusterOptions;
  readonly #createPool: NodePoolFactory;
  readonly #nodes: ClusterNode[] = [];
  readonly #namespaces = new Map<string, ClusterNamespace>();
  readonly #state$: BehaviorSubject<PoolClusterState>;
  // While a write waits for a primary, every connected node that is not the primary is asked.
  readonly #waits: ClusterWaits;
  // What the namespaces call: the routing stays private to the cluster.
  readonly #router: ClusterRouter = {
    route: (target, send, options) => this.#route(target, send, options),
  };
  readonly #online = new Set<string>();
  #primary: ClusterNode | undefined;
  #lastId = 0;
  #started = false;
  #closing: Promise<void> | undefined;
  #closed = false;
  #splitWarned = '';

  /** Use `createPoolCluster`; `createPool` builds each node's pool. */
  constructor(options: ResolvedPoolClusterOptions, createPool: NodePoolFactory) {
    super();
    this.name = options.name;
    this.#options = options;
    this.#createPool = createPool;
    this.#state$ = new BehaviorSubject(clusterState([], undefined, false));
    this.#waits = new ClusterWaits(options.clock, options.roleCheckIntervalMs, () => {
      for (const node of this.#nodes) {
        if (node.usable && node.role !== 'primary') void node.checkRole();
      }
    });
  }

  /** The cluster's state now, then each change; never errors; completes after `closed`. */
  get state$(): Observable<PoolClusterState> {
    return this.#state$.asObservable();
  }

  /** The cluster's state now (a snapshot; `state$` for changes). */
  get state(): PoolClusterState {
    return this.#state$.value;
  }

  /**
   * mysql2's `add`: a node named `id` (a pattern matches it), with holdfast's `createPool`
   * config (mysql2's options plus `retry`, `logger`, ...) or a URI. The node's pool is named
   * `<cluster>/<id>` unless the config names it. Opens nothing until the cluster is used.
   */
  add(id: string | PoolConfig, config?: PoolConfig): void {
    if (this.#closed) throw this.#closedError();
    let nodeId: string;
    let nodeConfig: PoolConfig;
    if (typeof id === 'object') {
      this.#lastId += 1;
      nodeId = `CLUSTER::${String(this.#lastId)}`;
      nodeConfig = id;
    } else {
      nodeId = id;
      nodeConfig = config ?? {};
    }
    if (this.#nodes.some((node) => node.id === nodeId)) return;
    const name = `${this.name}/${nodeId}`;
    const named =
      typeof nodeConfig === 'string'
        ? { uri: nodeConfig, name }
        : ['name', 'pool_name', 'poolName'].some((key) => key in nodeConfig)
          ? nodeConfig
          : { ...nodeConfig, name };
    const node = new ClusterNode(nodeId, this.#createPool(nodeId, named), {
      options: this.#options,
      changed: () => {
        this.#changed();
      },
      warn: (error) => {
        this.emit('warn', error);
      },
    });
    this.#nodes.push(node);
    if (this.#started) node.start();
    this.#changed();
  }

  /** mysql2's `remove`: ends the pools of the nodes whose id matches `pattern`. */
  remove(pattern: string): void {
    const expression = patternRegExp(pattern);
    for (const node of [...this.#nodes]) {
      if (!expression.test(node.id)) continue;
      this.#nodes.splice(this.#nodes.indexOf(node), 1);
      this.#online.delete(node.id);
      void node.close(0);
      this.emit('remove', node.id);
    }
    this.#changed();
  }

  /** mysql2's `of`: the nodes whose id matches `pattern`, picked by `selector`. */
  of(pattern = '*', selector?: string): ClusterNamespace {
    const chosen = parseSelector('selector', selector ?? this.#options.defaultSelector);
    const key = `${pattern}\u0000${chosen}`;
    let namespace = this.#namespaces.get(key);
    if (namespace === undefined) {
      namespace = new ClusterNamespace(
        this.#router,
        patternTarget(pattern, makeSelector(chosen, this.#options.random)),
      );
      this.#namespaces.set(key, namespace);
    }
    return namespace;
  }

  /** Writes: the node whose server accepts them (`read_only` off), followed across a failover. */
  writer(): ClusterNamespace {
    return this.#cached('\u0000writer', () => new ClusterNamespace(this.#router, primaryTarget()));
  }

  /** Reads: a connected replica (by `selector`), else the primary. */
  reader(selector?: string): ClusterNamespace {
    const chosen = parseSelector('selector', selector ?? this.#options.defaultSelector);
    return this.#cached(
      `\u0000reader${chosen}`,
      () =>
        new ClusterNamespace(
          this.#router,
          replicaTarget(makeSelector(chosen, this.#options.random)),
        ),
    );
  }

  /** mysql2's `getConnection([pattern], [selector], callback)`: a connection of a picked node. */
  getConnection(callback: ConnectionCallback): void;
  getConnection(pattern: string, callback: ConnectionCallback): void;
  getConnection(pattern: string, selector: string, callback: ConnectionCallback): void;
  getConnection(...args: [unknown, unknown?, unknown?]): void {
    const callback = args.pop() as ConnectionCallback;
    const [pattern, selector] = args as [string | undefined, string | undefined];
    this.of(pattern, selector).getConnection(callback);
  }

  /** A node's own pool (its `state$`, `metrics()`, ...), or undefined. */
  pool(id: string): HoldfastPool | undefined {
    return this.#nodes.find((node) => node.id === id)?.pool.pool;
  }

  /**
   * Resolves once a node accepts writes (connecting the nodes when needed).
   *
   * @throws {ClusterCheckoutError} none did within `timeoutMs` (default `checkoutTimeoutMs`)
   * @throws {AbortedError} `signal` fired
   * @throws {ClosedError} the cluster was ended
   */
  async ready(options?: ReadyOptions): Promise<void> {
    await this.#route(primaryTarget(), () => Promise.resolve(), options);
  }

  /** mysql2's `end`: ends every node's pool (checked-out connections are not waited for). */
  end(callback?: (error?: Error | null) => void): void {
    void this.close({ timeoutMs: 0 }).then(() => callback?.(null));
  }

  /** Ends every node's pool (see the pool's `close`); idempotent; `state$` completes. */
  close(options?: { readonly timeoutMs?: number }): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#waits.stopRoleChecks();
      this.#changed();
      const timeoutMs = options?.timeoutMs ?? 10_000;
      this.#closing = Promise.all(this.#nodes.map((node) => node.close(timeoutMs))).then(() => {
        this.#changed();
        this.#state$.complete();
      });
    }
    return this.#closing;
  }

  /** Ends the cluster (`using cluster = ...`). */
  [Symbol.dispose](): void {
    this.end();
  }

  /**
   * Runs `send` on the node `target` picks. With none to pick, the call waits for a change
   * (a node connecting, a role answered), bounded by `timeoutMs`; a write meanwhile has the
   * nodes' roles asked every `roleCheckIntervalMs`. A call that a node gave up on before
   * anything reached its server (that node lost its server), or that a server refused as
   * read-only, goes to the next node picked; any other error is the caller's, as the node
   * reported it (an INSERT in flight when the primary died stays an `OutcomeUnknownError`).
   */
  async #route<T>(
    target: RouteTarget<ClusterNode>,
    send: (node: ClusterNode) => Promise<T>,
    options?: RouteOptions,
  ): Promise<T> {
    const { clock, checkoutTimeoutMs } = this.#options;
    const started = clock.now();
    const deadline = started + (options?.timeoutMs ?? checkoutTimeoutMs);
    let lastError: unknown;
    this.#start();
    for (;;) {
      if (this.#closed) throw markUnsent(this.#closedError());
      if (options?.signal?.aborted === true) {
        throw markUnsent(new AbortedError(`The wait for a node of ${this.name} was aborted.`));
      }
      const node = target.pick(this.#nodes, this.#primary);
      if (node !== undefined) {
        try {
          return await send(node);
        } catch (error) {
          if (!this.#reroutable(target, node, error) || clock.now() >= deadline) throw error;
          lastError = error;
          continue;
        }
      }
      const remaining = deadline - clock.now();
      if (remaining <= 0) {
        throw markUnsent(
          new ClusterCheckoutError({
            cluster: this.name,
            wanted: target.label,
            waitedMs: clock.now() - started,
            nodes: this.#nodes.map((node) => node.describe()),
            lastError: lastError ?? this.#nodes.find((node) => node.lastError)?.lastError,
          }),
        );
      }
      await this.#waits.next(remaining, target.wantsPrimary, options?.signal);
    }
  }

  /** The promise form over the same nodes (as mysql2's pools have `promise()`). */
  promise(): PromisePoolCluster {
    return new PromisePoolCluster(this);
  }

  #cached(key: string, make: () => ClusterNamespace): ClusterNamespace {
    let namespace = this.#namespaces.get(key);
    if (namespace === undefined) {
      namespace = make();
      this.#namespaces.set(key, namespace);
    }
    return namespace;
  }

  #reroutable(target: RouteTarget<ClusterNode>, node: ClusterNode, error: unknown): boolean {
    if (!this.#options.canRetry) return false;
    if (target.wantsPrimary && isReadOnlyRefusal(error)) {
      node.refusedWrite();
      return true;
    }
    return isUnsent(error) && node.lostServer;
  }

  // The first use connects every node (a new cluster opens nothing until asked).
  #start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const node of this.#nodes) node.start();
  }

  #changed(): void {
    const closed = this.#closed;
    this.#primary = closed ? undefined : choosePrimary(this.#nodes, this.#primary);
    for (const node of this.#nodes) {
      if (node.usable && !this.#online.has(node.id)) {
        this.#online.add(node.id);
        this.emit('online', node.id);
      } else if (!node.usable && this.#online.delete(node.id)) this.emit('offline', node.id);
    }
    this.#warnSplit();
    const next = clusterState(
      this.#nodes.map((node) => ({ id: node.id, status: node.status, role: node.role })),
      this.#primary?.id,
      closed,
    );
    if (stateKey(next) !== stateKey(this.#state$.value) && !this.#state$.closed) {
      this.#state$.next(next);
    }
    this.#waits.wakeAll();
  }

  // Two servers that both accept writes (an old primary restarted without read_only): writes
  // stay on the current primary; the other is named so that someone fences it.
  #warnSplit(): void {
    const writable = this.#nodes.filter((n) => n.usable && n.role === 'primary').map((n) => n.id);
    const key = writable.length > 1 ? writable.join(',') : '';
    if (key === this.#splitWarned) return;
    this.#splitWarned = key;
    if (key === '') return;
    const others = writable.filter((id) => id !== this.#primary?.id);
    this.emit(
      'warn',
      new Error(
        `Nodes ${writable.join(' and ')} of cluster ${this.name} all accept writes (read_only is off); writes go to ${this.#primary?.id ?? '?'}. Set read_only on ${others.join(', ')} or remove it from the cluster.`,
      ),
    );
  }

  #closedError(): ClosedError {
    return new ClosedError(
      `The pool cluster ${this.name} is closed; create a new cluster to connect again.`,
    );
  }
}
