import type { Subscription } from 'rxjs';
import type { ConnectionStatus } from '../../connection/ConnectionState.js';
import { isHoldfastError } from '../../errors/HoldfastError.js';
import type { TimerHandle } from '../../internal/Clock.js';
import type { HoldfastPromisePool } from '../HoldfastPool.js';
import type { ResolvedPoolClusterOptions } from './PoolClusterOptions.js';

/** What a node is to the cluster: the server accepts writes, refuses them, or is not known yet. */
export type PoolClusterRole = 'primary' | 'replica' | 'unknown';

/** Asks the server whether it refuses writes from users without SUPER (a replica does). */
export const roleQuery = 'SELECT @@global.read_only AS ro';

/** What a node tells its cluster. */
export interface NodeHost {
  readonly options: ResolvedPoolClusterOptions;
  /** The node's status or role changed. */
  changed(): void;
  /** A role check failed (reported as the cluster's 'warn' event). */
  warn(error: Error): void;
}

/**
 * One named node of a pool cluster: a holdfast pool (its own manager, reconnect loop and
 * `state$`) and the role its server had when last asked. The role is asked each time the pool
 * connects, and again when the cluster asks (while a write waits for a primary, or after a
 * server refused a write as read-only); it is `unknown` whenever the pool is not connected.
 */
export class ClusterNode {
  readonly id: string;
  /** The promise form of the node's pool; `.pool` is the callback form (mysql2's `Pool`). */
  readonly pool: HoldfastPromisePool;
  readonly #host: NodeHost;
  readonly #subscription: Subscription;
  #role: PoolClusterRole = 'unknown';
  // Bumped whenever the pool leaves `connected`: a role answer from before is dropped.
  #epoch = 0;
  #checking: Promise<void> | undefined;
  #restoreTimer: TimerHandle;
  #closed = false;

  constructor(id: string, pool: HoldfastPromisePool, host: NodeHost) {
    this.id = id;
    this.pool = pool;
    this.#host = host;
    let connected = false;
    this.#subscription = pool.state$.subscribe((state) => {
      if (state.status === 'connected') {
        if (!connected) {
          connected = true;
          void this.checkRole();
        }
      } else if (connected || this.#role !== 'unknown') {
        connected = false;
        this.#epoch += 1;
        this.#role = 'unknown';
      }
      if (state.status === 'failed') this.#scheduleRestore();
      host.changed();
    });
  }

  get status(): ConnectionStatus {
    return this.pool.state.status;
  }

  get role(): PoolClusterRole {
    return this.#role;
  }

  /** Connected, with a known role: the cluster may send it statements for that role. */
  get usable(): boolean {
    return this.pool.state.status === 'connected';
  }

  /**
   * The pool lost its server (it is reconnecting, or its loop gave up on retryable errors): a
   * call it gave up on before sending may go to another node.
   */
  get lostServer(): boolean {
    const state = this.pool.state;
    return (
      state.status === 'connecting' ||
      state.status === 'retrying' ||
      state.status === 'closed' ||
      (state.status === 'failed' &&
        isHoldfastError(state.error) &&
        state.error.code === 'ERR_HOLDFAST_RETRIES_EXHAUSTED')
    );
  }

  /** The error the pool's loop is retrying or gave up on, if any. */
  get lastError(): Error | undefined {
    const state = this.pool.state;
    return state.status === 'retrying' || state.status === 'failed' ? state.error : undefined;
  }

  /** The node for an error message, e.g. `PRIMARY retrying (connect ECONNREFUSED)`. */
  describe(): string {
    const why = this.lastError === undefined ? '' : ` (${this.lastError.message})`;
    return `${this.id} ${this.status}${this.usable ? ` ${this.#role}` : ''}${why}`;
  }

  /** Starts the pool's reconnect loop when it is not running (idle, or gave up). */
  start(): void {
    const status = this.status;
    if (status === 'idle' || status === 'failed') this.pool.ready().catch(() => undefined);
  }

  /**
   * Asks the server for its role (single flight). A failure leaves the role `unknown` and is
   * reported as a warning; the next check tries again.
   */
  checkRole(): Promise<void> {
    if (this.#checking !== undefined || this.#closed || !this.usable) {
      return this.#checking ?? Promise.resolve();
    }
    const epoch = this.#epoch;
    this.#checking = this.pool
      .query(roleQuery)
      .then(
        ([rows]) => {
          if (epoch !== this.#epoch || this.#closed) return;
          const row = (rows as readonly Record<string, unknown>[])[0];
          const role: PoolClusterRole = Number(row?.ro) === 0 ? 'primary' : 'replica';
          if (role !== this.#role) {
            this.#role = role;
            this.#host.changed();
          }
        },
        (error: unknown) => {
          if (!this.#closed) {
            this.#host.warn(error instanceof Error ? error : new Error(String(error)));
          }
        },
      )
      .finally(() => {
        this.#checking = undefined;
      });
    return this.#checking;
  }

  /**
   * The server refused a write as read-only: it is no longer the primary (a planned switchover
   * made it read-only). Not routed to for writes until a check says otherwise.
   */
  refusedWrite(): void {
    if (this.#role !== 'primary') return;
    this.#role = 'unknown';
    this.#host.changed();
    void this.checkRole();
  }

  /** Ends the node's pool (checked-out connections get `timeoutMs` to come back). */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    if (this.#restoreTimer !== undefined) this.#host.options.clock.clearTimeout(this.#restoreTimer);
    this.#restoreTimer = undefined;
    this.#subscription.unsubscribe();
    this.#role = 'unknown';
    await this.pool.close({ timeoutMs });
  }

  // mysql2's restoreNodeTimeout, on holdfast's terms: a node whose loop gave up tries again later.
  #scheduleRestore(): void {
    const { clock, restoreNodeTimeout } = this.#host.options;
    if (restoreNodeTimeout === 0 || this.#restoreTimer !== undefined || this.#closed) return;
    this.#restoreTimer = clock.setTimeout(() => {
      this.#restoreTimer = undefined;
      if (!this.#closed && this.status === 'failed') this.start();
    }, restoreNodeTimeout);
  }
}

/** The server refused a write because it is read-only (a replica, or a demoted primary): 1290. */
export function isReadOnlyRefusal(error: unknown): boolean {
  const e = error as { errno?: unknown; code?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    (e.errno === 1290 || e.code === 'ER_OPTION_PREVENTS_STATEMENT')
  );
}
