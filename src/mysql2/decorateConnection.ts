import type { PoolConnection } from 'mysql2';
import type { PoolRuntime } from './PoolRuntime.js';
import { decorateStatements } from './guardStatement.js';
import { destroySocket, whenSocketClosed } from './SocketTracker.js';

type Method = (this: PoolConnection, ...args: unknown[]) => unknown;

/**
 * Adds holdfast's behaviour to one connection mysql2's pool just opened (its 'connection'
 * event), as own properties of that instance: mysql2's prototypes stay untouched, and each
 * method calls the prototype's at call time (so an instrumentation that patches
 * `Connection.prototype` later, such as OpenTelemetry's, still sees every statement).
 * - `query` / `execute`: bounded by `queryTimeoutMs`; a write that may have reached the server
 *   when the connection died becomes an `OutcomeUnknownError` (see guardStatement).
 * - `release`: bookkeeping (use time, idle since), then mysql2's release.
 * - `destroy`: mysql2's, then the socket is torn down at once.
 * - an 'error' listener for its whole life, so that a connection dying while idle never
 *   crashes the process (mysql2's pool listens only once).
 */
export function decorateConnection(runtime: PoolRuntime, connection: PoolConnection): void {
  const { connections, counters } = runtime;
  connections.opened(connection);
  runtime.fresh.add(connection);
  counters.created += 1;
  const gone = (): void => {
    if (connections.closed(connection)) counters.destroyed += 1;
  };
  connection.on('error', gone);
  connection.once('end', gone);
  whenSocketClosed(connection.config, gone);
  decorateStatements(runtime, connection);
  const own = connection as unknown as Record<string, Method>;
  const proto = (): Record<string, Method> =>
    Object.getPrototypeOf(connection) as Record<string, Method>;
  own.release = function release(this: PoolConnection): unknown {
    const usedMs = connections.returned(connection);
    if (usedMs !== undefined) runtime.poolMetrics?.recordUseTime(usedMs);
    const result = (proto().release as Method).call(connection);
    runtime.released();
    return result;
  };
  own.destroy = function destroy(this: PoolConnection): unknown {
    gone();
    const result = (proto().destroy as Method).call(connection);
    destroySocket(connection.config);
    runtime.released();
    return result;
  };
}
