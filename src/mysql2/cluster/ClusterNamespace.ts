import type { FieldPacket, PoolConnection } from 'mysql2';
import type { ClusterNode } from './ClusterNode.js';
import type { RouteTarget } from './routeTargets.js';

/** Runs a call on the node a target picks, waiting and re-routing as the cluster does. */
export interface ClusterRouter {
  route<T>(
    target: RouteTarget<ClusterNode>,
    send: (node: ClusterNode) => Promise<T>,
    options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal },
  ): Promise<T>;
}

type Statement = (sql: unknown, values?: unknown) => Promise<[unknown, FieldPacket[]]>;
type ResultCallback = (error: Error | null, rows?: unknown, fields?: FieldPacket[]) => void;
/** mysql2's checkout callback. */
export type ConnectionCallback = (
  error: NodeJS.ErrnoException | null,
  connection: PoolConnection,
) => void;

/**
 * mysql2's `PoolNamespace` (what `cluster.of(...)` returns), for holdfast's cluster: each call
 * goes to the node the namespace picks now, and waits (bounded) when there is none. A statement
 * runs as the node pool's own `query` / `execute`, under that pool's re-send rules; a checkout
 * is the node pool's gated `getConnection`.
 */
export class ClusterNamespace {
  readonly #router: ClusterRouter;
  readonly #target: RouteTarget<ClusterNode>;

  constructor(router: ClusterRouter, target: RouteTarget<ClusterNode>) {
    this.#router = router;
    this.#target = target;
  }

  /** Runs `send` on the node picked for this namespace (see the cluster's `route`). */
  run<T>(send: (node: ClusterNode) => Promise<T>): Promise<T> {
    return this.#router.route(this.#target, send);
  }

  /** A connection of the picked node's pool (mysql2's `PoolConnection`); `release()` it. */
  getConnection(callback: ConnectionCallback): void {
    this.run(
      (node) =>
        new Promise<PoolConnection>((resolve, reject) => {
          node.pool.pool.getConnection((error, connection) => {
            if (error) reject(error);
            else resolve(connection);
          });
        }),
    ).then(
      (connection) => {
        callBack(() => {
          callback(null, connection);
        });
      },
      (error: unknown) => {
        callBack(() => {
          callback(error as NodeJS.ErrnoException, undefined as unknown as PoolConnection);
        });
      },
    );
  }

  /** mysql2's `query(sql, [values], callback)` on the picked node's pool. */
  query(sql: unknown, values?: unknown, callback?: unknown): void {
    this.#statement('query', sql, values, callback);
  }

  /** mysql2's `execute(sql, [values], callback)` on the picked node's pool. */
  execute(sql: unknown, values?: unknown, callback?: unknown): void {
    this.#statement('execute', sql, values, callback);
  }

  #statement(method: 'query' | 'execute', sql: unknown, values: unknown, callback: unknown): void {
    const done = (typeof values === 'function' ? values : callback) as ResultCallback | undefined;
    const given = typeof values === 'function' ? undefined : values;
    if (typeof done !== 'function') {
      throw new TypeError(
        `A cluster's ${method}() needs a callback (it may wait for a node): pass one, or use cluster.promise().`,
      );
    }
    this.run((node) => (node.pool[method] as Statement)(sql, given)).then(
      ([rows, fields]) => {
        callBack(() => {
          done(null, rows, fields);
        });
      },
      (error: unknown) => {
        callBack(() => {
          done(error as Error);
        });
      },
    );
  }
}

/** A callback that throws must surface as mysql2's would: uncaught, not as a lost rejection. */
function callBack(call: () => void): void {
  try {
    call();
  } catch (thrown) {
    process.nextTick(() => {
      throw thrown;
    });
  }
}
