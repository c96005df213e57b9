import type { ConnectionOptions } from 'mysql2';
import { mysql } from './mysql2Module.js';
import type { Socket } from 'node:net';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import { adviseOnAccessDenied } from './adviseOnAccessDenied.js';
import type { StatementHost } from './guardStatement.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { SocketTracker } from './SocketTracker.js';

/**
 * The gate of one target for `createConnection` (libraries that pool themselves: Knex,
 * Sequelize). While the target is up (or not yet known to be down) a new connection's socket
 * opens at once; once a connection failed to connect or died for a retryable reason, the
 * target's manager runs its one reconnect loop (a probe connection per attempt, backoff, budget,
 * breaker) and every connection created meanwhile waits for it before its socket opens, instead
 * of each hammering a dead server. A connection created while the loop has given up fails with
 * the loop's error (`RetriesExhaustedError`, or the access denial with its advice).
 *
 * Gates are shared per target (see `targetGates`) and closed when their last connection closed.
 */
export class TargetGate implements StatementHost {
  readonly config: ResolvedPoolConfig;
  readonly manager: ConnectionManager<TargetDescription>;
  readonly counters = { queryTimeouts: 0 };
  #connections = 0;

  constructor(config: ResolvedPoolConfig, probeOptions: ConnectionOptions) {
    this.config = config;
    this.manager = new ConnectionManager({
      ...config.manager,
      connect: (signal) => probe(probeOptions, config.target, signal),
    });
  }

  /** Opens `socket` now, or once the target's reconnect loop succeeded. */
  beforeConnect(socket: Socket, open: () => void): void {
    const status = this.manager.state.status;
    if (status === 'idle' || status === 'connected') {
      open();
      return;
    }
    this.manager.ready().then(
      () => {
        if (!socket.destroyed) open();
      },
      (error: unknown) => {
        socket.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** A connection of this target failed or died: a retryable reason starts the loop. */
  targetLost(error: unknown): void {
    const verdict = this.config.classifier.classify(error, { attempt: 1, scope: 'connect' });
    if (verdict.kind === 'fatal' || !verdict.connectionLost) return;
    const status = this.manager.state.status;
    if (status === 'idle' || status === 'connected') this.manager.reconnect();
  }

  /**
   * Counts a connection; returns the function that uncounts it. At zero the gate is closed
   * (no timer left), but not while its loop runs: the last connection of a target often dies
   * with the target, and the next one created must still find the loop. A loop ends by itself
   * (connected, or given up after `retry.maxRetries`).
   */
  hold(onClosed: () => void): () => void {
    this.#connections += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#connections -= 1;
      this.#closeWhenUnused(onClosed);
    };
  }

  #closeWhenUnused(onClosed: () => void): void {
    if (this.#connections > 0) return;
    const status = this.manager.state.status;
    if (status === 'connecting' || status === 'retrying') {
      const settled = (): void => {
        this.#closeWhenUnused(onClosed);
      };
      this.manager.ready().then(settled, settled);
      return;
    }
    onClosed();
    void this.manager.close();
  }
}

/** One attempt of the loop: a real connection (handshake and authentication), then COM_QUIT. */
function probe(
  options: ConnectionOptions,
  target: TargetDescription,
  signal: AbortSignal,
): Promise<TargetDescription> {
  return new Promise((resolve, reject) => {
    const sockets = new SocketTracker(options.stream);
    const connection = mysql.createConnection({ ...options, stream: sockets.factory });
    const onAbort = (): void => {
      sockets.destroyAll();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    connection.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      sockets.destroyAll();
      reject(adviseOnAccessDenied(error) as Error);
    });
    connection.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      connection.on('error', () => undefined);
      connection.end(() => undefined);
      resolve(target);
    });
  });
}
