// Test doubles for ConnectionManager specs: a scripted connect function and a state recorder.
import type { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';

export interface FakeConnection {
  readonly id: number;
  disposed: boolean;
}

/**
 * One scripted attempt: an Error rejects, 'ok' resolves with a new connection, 'hang' waits for
 * the attempt's signal (and rejects with its reason), 'manual' waits for `settle(...)`.
 */
export type Outcome = Error | 'ok' | 'hang' | 'manual';

interface Manual {
  resolve(connection: FakeConnection): void;
  reject(error: unknown): void;
}

/** A connect/disconnect pair that follows a script; the last outcome repeats. */
export class FakeConnector {
  calls = 0;
  readonly signals: AbortSignal[] = [];
  readonly opened: FakeConnection[] = [];
  readonly disposed: FakeConnection[] = [];
  readonly #script: readonly Outcome[];
  readonly #manual: Manual[] = [];

  constructor(script: readonly Outcome[]) {
    this.#script = script;
  }

  readonly connect = (signal: AbortSignal): Promise<FakeConnection> => {
    this.calls += 1;
    this.signals.push(signal);
    const outcome = this.#script[Math.min(this.calls, this.#script.length) - 1] ?? 'ok';
    if (outcome instanceof Error) return Promise.reject(outcome);
    if (outcome === 'ok') return Promise.resolve(this.open());
    if (outcome === 'hang') {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reject(signal.reason as Error);
        });
      });
    }
    return new Promise((resolve, reject) => this.#manual.push({ resolve, reject }));
  };

  readonly disconnect = (connection: FakeConnection): void => {
    connection.disposed = true;
    this.disposed.push(connection);
  };

  /** Opens a connection (as a driver would) without resolving any attempt. */
  open(): FakeConnection {
    const connection = { id: this.opened.length + 1, disposed: false };
    this.opened.push(connection);
    return connection;
  }

  /** Resolves the oldest 'manual' attempt with a new connection (ignoring its signal). */
  resolveManual(): FakeConnection {
    const connection = this.open();
    this.#manual.shift()?.resolve(connection);
    return connection;
  }
}

/** A state as a short label: `connecting 2`, `retrying 1`, `connected`, ... */
export function label(state: ConnectionState<unknown>): string {
  switch (state.status) {
    case 'connecting':
      return `connecting ${state.attempt}`;
    case 'retrying':
      return `retrying ${state.retry}`;
    default:
      return state.status;
  }
}

/** Records every state `state$` publishes (the replayed one first). */
export function recordStates<C>(manager: ConnectionManager<C>): {
  labels: string[];
  states: ConnectionState<C>[];
  completed: () => boolean;
} {
  const labels: string[] = [];
  const states: ConnectionState<C>[] = [];
  let completed = false;
  manager.state$.subscribe({
    next: (state) => {
      states.push(state);
      labels.push(label(state));
    },
    complete: () => {
      completed = true;
    },
  });
  return { labels, states, completed: () => completed };
}
