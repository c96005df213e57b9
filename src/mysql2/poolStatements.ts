import type { FieldPacket, QueryOptions } from 'mysql2';
import { classifyStatement } from './classifyStatement.js';
import { resendMark } from './guardStatement.js';
import type { PoolRuntime } from './PoolRuntime.js';

type ResultCallback = (error: Error | null, rows?: unknown, fields?: FieldPacket[]) => unknown;
type Statement = (sql: unknown, values?: unknown, callback?: unknown) => unknown;

/** mysql2's `QueryOptions` plus holdfast's re-send mark. */
export interface HoldfastQueryOptions extends QueryOptions {
  /**
   * Whether sending the statement twice is harmless. Undefined (the default) decides from the
   * text: reads (SELECT, SHOW, DESCRIBE, EXPLAIN, WITH ... SELECT without locks) are re-sent
   * after a lost connection, anything else is not. `true` re-sends a write too (an upsert, a
   * DELETE by key); `false` never re-sends a statement that may have reached the server.
   */
  readonly idempotent?: boolean;
}

/**
 * The pool's `query` and `execute` (callback form; mysql2's promise wrappers call them). Each
 * runs mysql2's own pool statement as one `ConnectionManager.execute` operation, so a
 * statement is re-sent by the one retry engine (budget, breaker, `maxElapsedMs`, spans) and only
 * under the re-send rules: a read or `idempotent: true` after a lost connection, anything that
 * was never sent. Without a callback (a statement read as events or a stream) mysql2's own
 * method runs untouched and nothing is re-sent.
 */
/** Where a decorated pool keeps its promise-form statements (for its promise wrappers). */
export const promiseStatements: unique symbol = Symbol('holdfast.promiseStatements');

export interface PoolStatements {
  /** The callback forms, for the pool instance (mysql2's signatures). */
  readonly query: Statement;
  readonly execute: Statement;
  /**
   * The promise form, for the promise pool instance: the same engine operation without
   * mysql2's PromisePool layer (its callback adapter and the stack it captures per call cost
   * more than the statement's own bookkeeping). Resolves mysql2's `[rows, fields]`.
   */
  readonly run: (method: Method, sql: unknown, values: unknown) => Promise<[unknown, unknown]>;
}

type Method = 'query' | 'execute';

export function poolStatements(runtime: PoolRuntime): PoolStatements {
  const pool = runtime.pool;
  // The command mysql2 built for the statement just sent (sent synchronously while connected):
  // the callback form returns it, as mysql2's does.
  let lastCommand: unknown;
  const run = (method: Method, sql: unknown, values: unknown): Promise<[unknown, unknown]> => {
    const base = (Object.getPrototypeOf(pool) as Record<string, Statement>)[method] as Statement;
    const options =
      typeof sql === 'object' && sql !== null ? (sql as HoldfastQueryOptions) : undefined;
    const info = classifyStatement(options === undefined ? String(sql) : options.sql);
    const resendable = options?.idempotent ?? info.kind === 'read';
    return runtime.manager.execute(
      (_target, context) =>
        new Promise<[unknown, unknown]>((resolve, reject) => {
          if (context.attempt > 1) runtime.counters.statementRetries += 1;
          const settle = settleWith(resolve, reject);
          const sent =
            values === undefined
              ? base.call(pool, sql, settle)
              : base.call(pool, sql, values, settle);
          if (typeof sent === 'object' && sent !== null)
            (sent as Record<symbol, boolean>)[resendMark] = resendable;
          lastCommand = sent;
        }),
      { idempotent: resendable, description: info.operation },
    );
  };
  const make = (method: Method): Statement =>
    function statement(sql, values, callback) {
      let done = callback;
      let given = values;
      if (typeof values === 'function') {
        done = values;
        given = undefined;
      }
      if (typeof done !== 'function') {
        const base = (Object.getPrototypeOf(pool) as Record<string, Statement>)[
          method
        ] as Statement;
        return base.call(pool, sql, values, callback);
      }
      lastCommand = undefined;
      run(method, sql, given).then(
        ([rows, fields]) => {
          callBack(done as ResultCallback, null, rows, fields as FieldPacket[]);
        },
        (error: unknown) => {
          callBack(done as ResultCallback, error as Error);
        },
      );
      const command = lastCommand;
      lastCommand = undefined;
      return command;
    };
  return { query: make('query'), execute: make('execute'), run };
}

/** mysql2's result callback for a promise (an unnamed closure: see gateCheckout's `take`). */
function settleWith(
  resolve: (result: [unknown, unknown]) => void,
  reject: (error: Error) => void,
): ResultCallback {
  return (error, rows, fields) => {
    if (error) reject(error);
    else resolve([rows, fields]);
  };
}

/** A callback that throws must surface as mysql2's would: uncaught, not as a lost rejection. */
function callBack(
  callback: ResultCallback,
  error: Error | null,
  rows?: unknown,
  fields?: FieldPacket[],
): void {
  try {
    callback(error, rows, fields);
  } catch (thrown) {
    process.nextTick(() => {
      throw thrown;
    });
  }
}
