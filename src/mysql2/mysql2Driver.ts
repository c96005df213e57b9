import type * as Mysql2 from 'mysql2';
import type {
  ExecuteValues,
  PoolConnection,
  PoolOptions,
  QueryValues as Mysql2QueryValues,
} from 'mysql2';
import { requirePeer } from '../internal/requirePeer.js';
import type {
  DriverConnection,
  DriverPool,
  DriverPoolHooks,
  MysqlDriver,
  QueryValues,
} from './driver.js';
import { adviseOnAccessDenied } from './adviseOnAccessDenied.js';

// Loaded, not imported: without mysql2 installed, importing holdfast/mysql2 says what to do.
const { createPool } = requirePeer('mysql2', 'holdfast/mysql2') as typeof Mysql2;

type Callback<T> = (error: Error | null, result?: T, fields?: unknown) => void;

/** The part of mysql2's socket holdfast reaches for: destroying it without waiting for FIN. */
interface WithStream {
  readonly stream?: { destroy?: () => void };
}

/** mysql2's list of every pooled connection, those still in their handshake included. */
interface WithAllConnections {
  readonly _allConnections?: { readonly length: number; get(index: number): PoolConnection };
}

/** One mysql2 pooled connection behind the DriverConnection interface. */
class Mysql2Connection implements DriverConnection {
  #dead = false;
  readonly #core: PoolConnection;
  readonly #hooks: DriverPoolHooks;

  constructor(core: PoolConnection, hooks: DriverPoolHooks) {
    this.#core = core;
    this.#hooks = hooks;
    // Without an 'error' listener, an idle connection that dies (server restart, wait_timeout)
    // would throw from EventEmitter#emit and crash the process.
    core.on('error', (error: Error) => {
      this.#die(error);
    });
    core.on('end', () => {
      this.#die(undefined);
    });
  }

  get alive(): boolean {
    if (this.#dead) return false;
    const state = this.#core.state;
    return state !== 'error' && state !== 'disconnected';
  }

  query(sql: string, values: QueryValues | undefined): Promise<[unknown, unknown]> {
    return new Promise((resolve, reject) => {
      if (values === undefined) this.#core.query(sql, settle(resolve, reject));
      else this.#core.query(sql, values as Mysql2QueryValues, settle(resolve, reject));
    });
  }

  execute(sql: string, values: QueryValues | undefined): Promise<[unknown, unknown]> {
    return new Promise((resolve, reject) => {
      this.#core.execute(sql, (values ?? []) as ExecuteValues, settle(resolve, reject));
    });
  }

  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#core.ping((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  release(): void {
    this.#core.release();
  }

  destroy(): void {
    this.#core.destroy();
    // mysql2's destroy() only half-closes (FIN) and waits for the peer; a paused or
    // partitioned server never answers, so the socket is torn down here.
    (this.#core as unknown as WithStream).stream?.destroy?.();
    this.#die(undefined);
  }

  #die(error: Error | undefined): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#hooks.closed(this, error);
  }
}

function settle(
  resolve: (value: [unknown, unknown]) => void,
  reject: (error: unknown) => void,
): Callback<unknown> {
  return (error, result, fields) => {
    if (error) reject(error);
    else resolve([result, fields]);
  };
}

/**
 * holdfast's MysqlDriver on mysql2's callback pool. Every pooled connection gets its 'error'
 * listener the moment it opens, and one wrapper object for its whole life.
 */
export const mysql2Driver: MysqlDriver = {
  createPool(options, hooks): DriverPool {
    const pool = createPool(options as PoolOptions);
    const wrappers = new WeakMap<PoolConnection, Mysql2Connection>();
    const wrap = (core: PoolConnection): Mysql2Connection => {
      let wrapper = wrappers.get(core);
      if (wrapper === undefined) {
        wrapper = new Mysql2Connection(core, hooks);
        wrappers.set(core, wrapper);
        hooks.opened(wrapper);
      }
      return wrapper;
    };
    pool.on('connection', (core: PoolConnection) => {
      wrap(core);
    });
    const waiting = new Set<(reason: Error) => void>();
    return {
      getConnection: () =>
        new Promise<DriverConnection>((resolve, reject) => {
          let settled = false;
          const abort = (reason: Error): void => {
            settled = true;
            waiting.delete(abort);
            reject(reason);
          };
          waiting.add(abort);
          pool.getConnection((error, core) => {
            if (settled) {
              // The caller gave up on it (abortOpening): nobody will release it.
              if (!error) wrap(core).destroy();
              return;
            }
            settled = true;
            waiting.delete(abort);
            if (error) reject(adviseOnAccessDenied(error));
            else resolve(wrap(core));
          });
        }),
      abortOpening: (reason) => {
        const all = (pool as unknown as WithAllConnections)._allConnections;
        const opening: PoolConnection[] = [];
        for (let index = 0; index < (all?.length ?? 0); index += 1) {
          const core = all?.get(index);
          if (core !== undefined && !wrappers.has(core)) opening.push(core);
        }
        for (const core of opening) {
          // Its handshake callback reports the failure; an 'error' event must not crash.
          core.on('error', () => undefined);
          // destroy() takes it out of mysql2's pool and clears its connect timer; the socket is
          // torn down here, as a blackholed handshake would never see the FIN answered.
          core.destroy();
          (core as unknown as WithStream).stream?.destroy?.();
        }
        for (const abort of [...waiting]) abort(reason);
      },
      end: () =>
        new Promise<void>((resolve, reject) => {
          pool.end((error) => {
            if (error) reject(error);
            else resolve();
          });
        }),
    };
  },
};
