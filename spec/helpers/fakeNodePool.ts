// A stand-in for one node's holdfast pool (promise form) in the pool cluster's unit specs: its
// state is set by the spec, its server answers the role query from `readOnly`, and every other
// statement is recorded and answered by `answer` (no sockets, no real time).
import { BehaviorSubject } from 'rxjs';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import type { HoldfastPromisePool } from '../../src/mysql2/HoldfastPool.js';
import { roleQuery } from '../../src/mysql2/cluster/ClusterNode.js';

export class FakeNodePool {
  readonly id: string;
  readonly state$ = new BehaviorSubject<ConnectionState<unknown>>({ status: 'idle' });
  /** `@@global.read_only` of the fake server. */
  readOnly: 0 | 1;
  /** Statements other than the role query, in order. */
  readonly statements: string[] = [];
  roleQueries = 0;
  readyCalls = 0;
  /** Connects as soon as `ready()` is called. */
  autoConnect = true;
  /** How the fake server answers a statement (default: one row naming the node). */
  answer: (sql: string) => Promise<[unknown, unknown[]]> = () =>
    Promise.resolve([[{ node: this.id }], []]);

  constructor(id: string, readOnly: 0 | 1) {
    this.id = id;
    this.readOnly = readOnly;
  }

  get state(): ConnectionState<unknown> {
    return this.state$.value;
  }

  connect(): void {
    this.state$.next({ status: 'connecting', attempt: 1 });
    this.state$.next({ status: 'connected', connection: {}, attempt: 1 });
  }

  /** The server went away: the pool's loop retries. */
  lose(
    error: Error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  ): void {
    this.state$.next({ status: 'connecting', attempt: 1 });
    this.state$.next({ status: 'retrying', retry: 1, delayMs: 100, error });
  }

  ready(): Promise<void> {
    this.readyCalls += 1;
    if (this.autoConnect && this.state.status !== 'connected') this.connect();
    return Promise.resolve();
  }

  query(sql: string): Promise<[unknown, unknown[]]> {
    if (sql === roleQuery) {
      this.roleQueries += 1;
      return Promise.resolve([[{ ro: this.readOnly }], []]);
    }
    this.statements.push(sql);
    return this.answer(sql);
  }

  execute(sql: string): Promise<[unknown, unknown[]]> {
    return this.query(sql);
  }

  getConnection(): Promise<{ node: string }> {
    return Promise.resolve({ node: this.id });
  }

  readonly pool = {
    getConnection: (callback: (error: Error | null, connection: { node: string }) => void) => {
      callback(null, { node: this.id });
    },
  };

  close(): Promise<void> {
    this.state$.next({ status: 'closed' });
    this.state$.complete();
    return Promise.resolve();
  }

  /** Typed as what the cluster's factory returns. */
  asPool(): HoldfastPromisePool {
    return this as unknown as HoldfastPromisePool;
  }
}
