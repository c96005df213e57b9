import type { Connection } from 'mysql2';
import { type StatementHost, guardStatement } from './guardStatement.js';

type Method = (this: Connection, ...args: unknown[]) => unknown;

/**
 * Puts the statement guard on one connection's `query` and `execute`, as own properties of that
 * instance. Each calls the prototype's method looked up at call time, so an instrumentation
 * that patches `Connection.prototype` after holdfast was loaded (OpenTelemetry's) still sees
 * every statement, and other connections in the process stay plain mysql2.
 */
export function decorateStatements(host: StatementHost, connection: Connection): void {
  const own = connection as unknown as Record<string, Method>;
  for (const method of ['query', 'execute'] as const) {
    own[method] = function statement(this: Connection, ...args: unknown[]): unknown {
      const original = (Object.getPrototypeOf(connection) as Record<string, Method>)[method];
      return guardStatement(host, connection, original as Method, args);
    };
  }
}
