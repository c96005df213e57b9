import type { Connection } from 'mysql2';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { Clock } from '../internal/Clock.js';
import { isUnsent, markUnsent } from '../classify/unsent.js';
import { isMysqlClosedStateError } from '../classify/mysqlErrors.js';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError.js';
import { describeError } from '../telemetry/redact.js';
import { classifyStatement } from './classifyStatement.js';
import { QueryTimeoutError } from '../errors/QueryTimeoutError.js';
import { destroySocket } from './SocketTracker.js';

export type StatementMethod = 'query' | 'execute';

/**
 * Put by the pool's `query` on the command mysql2 built for it: whether it may be sent again
 * (a read or `idempotent: true`). A property rather than a WeakMap entry: one per statement.
 */
export const resendMark: unique symbol = Symbol('holdfast.resendable');

type ResultCallback = (
  this: unknown,
  error: Error | null,
  rows?: unknown,
  fields?: unknown,
) => unknown;
type Method = (this: Connection, ...args: unknown[]) => unknown;

/** What a statement guard needs from the pool (or the target of `createConnection`). */
export interface StatementHost {
  readonly config: {
    readonly name: string;
    readonly classifier: ErrorClassifier;
    readonly clock: Clock;
    readonly queryTimeoutMs: number;
  };
  readonly counters: { queryTimeouts: number };
  /** A connection died: the manager checks the server (its one loop). */
  targetLost(error: unknown): void;
}

/** A mysql2 command object (what `pool.query` hands its connection), as far as holdfast reads it. */
interface CommandLike {
  readonly sql?: unknown;
  readonly [resendMark]?: boolean;
  onResult?: ResultCallback;
  readonly on: unknown;
}

/**
 * One statement on a pooled connection, with a callback (the callback and promise forms; a
 * statement read as an event stream is passed through untouched):
 * - it must answer within `queryTimeoutMs`, or its connection is destroyed and the caller gets a
 *   `QueryTimeoutError`;
 * - when it fails because the connection died, the connection is destroyed (never reused) and
 *   the pool's manager checks the server; a write that may have reached the server (anything
 *   but a read or a statement marked `idempotent: true`) becomes an `OutcomeUnknownError`
 *   whose `cause` is the driver's error, so no layer above can send it again by mistake;
 * - a command the connection refused before sending it (closed state) is marked unsent.
 * Other errors (syntax, duplicate key, ...) pass through as mysql2 reported them.
 */
export function guardStatement(
  runtime: StatementHost,
  connection: Connection,
  original: Method,
  args: unknown[],
): unknown {
  const first = args[0];
  if (isCommand(first)) {
    const onResult = first.onResult;
    if (typeof onResult === 'function') {
      const sql = typeof first.sql === 'string' ? first.sql : '';
      first.onResult = guarded(runtime, connection, onResult, sql, first[resendMark]);
    }
    return original.apply(connection, args);
  }
  const last = args.length - 1;
  const callback = args[last];
  if (last < 1 || typeof callback !== 'function') return original.apply(connection, args);
  const options =
    typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
  const sql = options === undefined ? String(first) : String(options.sql);
  const idempotent = typeof options?.idempotent === 'boolean' ? options.idempotent : undefined;
  args[last] = guarded(runtime, connection, callback as ResultCallback, sql, idempotent);
  return original.apply(connection, args);
}

/**
 * Puts the statement guard on one connection's `query` and `execute`, as own properties of that
 * instance. Each calls the prototype's method looked up at call time, so an instrumentation
 * that patches `Connection.prototype` after holdfast was loaded (OpenTelemetry's) still sees
 * every statement, and other connections in the process stay plain mysql2.
 */
export function decorateStatements(host: StatementHost, connection: Connection): void {
  const own = connection as unknown as Record<string, Method>;
  own.query = function query(this: Connection, ...args: unknown[]): unknown {
    const proto = Object.getPrototypeOf(connection) as Record<string, Method>;
    return guardStatement(host, connection, proto.query as Method, args);
  };
  own.execute = function execute(this: Connection, ...args: unknown[]): unknown {
    const proto = Object.getPrototypeOf(connection) as Record<string, Method>;
    return guardStatement(host, connection, proto.execute as Method, args);
  };
}

function guarded(
  runtime: StatementHost,
  connection: Connection,
  callback: ResultCallback,
  sql: string,
  idempotent: boolean | undefined,
): ResultCallback {
  const { clock, queryTimeoutMs } = runtime.config;
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    runtime.counters.queryTimeouts += 1;
    // A network error on the socket: mysql2 fails this statement and any queued behind it,
    // and drops the connection from its pool (a plain destroy() would leave them waiting).
    const error = new QueryTimeoutError(classifyStatement(sql).operation, queryTimeoutMs);
    if (!destroySocket(connection.config, error)) connection.destroy();
  }, queryTimeoutMs);
  // Anonymous: under tsx (esbuild keepNames) a named function costs a defineProperty per statement.
  return function (this: unknown, error, rows, fields) {
    clock.clearTimeout(timer);
    if (!error) return callback.call(this, error, rows, fields);
    const reported = statementError(runtime, connection, error, sql, idempotent, timedOut);
    return callback.call(this, reported, rows, fields);
  };
}

function statementError(
  runtime: StatementHost,
  connection: Connection,
  driverError: Error,
  sql: string,
  idempotent: boolean | undefined,
  timedOut: boolean,
): Error {
  const info = classifyStatement(sql);
  const error = timedOut
    ? new QueryTimeoutError(info.operation, runtime.config.queryTimeoutMs)
    : driverError;
  if (isMysqlClosedStateError(error)) return markUnsent(error);
  const verdict = runtime.config.classifier.classify(error, { attempt: 1, scope: 'execute' });
  if (verdict.kind === 'fatal') return error;
  if (verdict.connectionLost) {
    connection.destroy();
    runtime.targetLost(error);
  }
  if (isUnsent(error) || (idempotent ?? info.kind === 'read')) return error;
  return new OutcomeUnknownError(
    `${info.operation} on ${runtime.config.name} may have reached the server before the connection failed, so it was not sent again: ${describeError(error)}. Check whether it took effect, or pass { idempotent: true } in the query options if running it twice is harmless.`,
    { cause: error, operation: info.operation },
  );
}

function isCommand(value: unknown): value is CommandLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as CommandLike).on === 'function'
  );
}
