import type { PoolConnection } from 'mysql2';
import type { PoolConnection as PromisePoolConnection } from 'mysql2/promise';
import { isUnsent } from '../classify/unsent.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError.js';
import { expectInteger } from '../internal/validate.js';
import { RetryHandler } from '../retry/RetryHandler.js';
import type { PoolRuntime } from './PoolRuntime.js';

/** Options of `pool.transaction()`. */
export interface TransactionOptions {
  /** Reruns of the whole function after the first run. @default `retry.maxRetries` of the pool */
  readonly maxRetries?: number;
  /** Ends waits (backoff between reruns) at once with `AbortedError`. */
  readonly signal?: AbortSignal;
}

/** What the transaction function is told besides its connection. */
export interface TransactionContext {
  /** 1 for the first run, 2 for the first rerun, ... */
  readonly attempt: number;
}

export type TransactionFunction<T> = (
  connection: PromisePoolConnection,
  context: TransactionContext,
) => Promise<T>;

// Deadlock rivals wait a random 0 to 10 x 2^(n-1) ms (at most 200 ms) before rerunning, so that
// they do not collide again in lockstep; the reconnect policy's seconds would be far too slow.
const rerunBackoff = {
  baseDelayMs: 10,
  maxDelayMs: 200,
  exponentialBase: 2,
  jitter: 'full',
} as const;

/**
 * The rerun engine of one pool's transactions: a `RetryHandler` classifying in the
 * `transaction` scope (deadlock 1213 and lock wait timeout 1205 are retryable there), with the
 * pool's classifier, budget and breaker.
 */
export function transactionHandler(runtime: PoolRuntime, maxRetries?: number): RetryHandler {
  const { config } = runtime;
  return new RetryHandler({
    ...rerunBackoff,
    maxRetries: maxRetries ?? config.retry.maxRetries,
    name: config.name,
    classifier: config.classifier,
    defaults: config.retry,
    clock: config.clock,
    ...(config.manager.random && { random: config.manager.random }),
    ...(config.manager.circuitBreaker && { circuitBreaker: config.manager.circuitBreaker }),
    ...(config.manager.budget && { budget: config.manager.budget }),
  });
}

/**
 * START TRANSACTION, `fn`, COMMIT on one connection (mysql2's `beginTransaction` / `commit`).
 * The whole function runs again on a deadlock (1213), a lock wait timeout (1205) and a
 * connection lost before COMMIT was sent (the server rolled the transaction back); a connection
 * lost while COMMIT was in flight is an `OutcomeUnknownError`. Any other error rolls back and is
 * thrown as it is.
 */
export function runTransaction<T>(
  runtime: PoolRuntime,
  handler: RetryHandler,
  fn: TransactionFunction<T>,
  options: TransactionOptions | undefined,
): Promise<T> {
  if (typeof fn !== 'function') {
    throw new TypeError(
      `Expected the argument of transaction() to be a function, got ${typeof fn}.`,
    );
  }
  const engine =
    options?.maxRetries === undefined
      ? handler
      : transactionHandler(runtime, expectInteger('maxRetries', options.maxRetries, 0));
  return engine.execute(
    async ({ attempt }) => {
      if (attempt > 1) runtime.counters.transactionRetries += 1;
      return runOnce(runtime, fn, attempt);
    },
    'transaction',
    {
      scope: 'transaction',
      kind: 'transaction',
      ...(options?.signal === undefined ? {} : { signal: options.signal }),
    },
  );
}

async function runOnce<T>(
  runtime: PoolRuntime,
  fn: TransactionFunction<T>,
  attempt: number,
): Promise<T> {
  const connection = await new Promise<PoolConnection>((resolve, reject) => {
    runtime.pool.getConnection((error, checkedOut) => {
      if (error) reject(error);
      else resolve(checkedOut);
    });
  });
  const promised = connection.promise();
  let phase: 'begin' | 'body' | 'commit' = 'begin';
  try {
    await promised.beginTransaction();
    phase = 'body';
    const result = await fn(promised, { attempt });
    phase = 'commit';
    await promised.commit();
    connection.release();
    return result;
  } catch (error) {
    const lost = lostConnectionCause(error);
    if (lost === undefined) await rollback(connection);
    else connection.destroy();
    if (phase === 'commit' && lost !== undefined && !isUnsent(lost)) {
      throw new OutcomeUnknownError(
        `The connection to ${runtime.config.name} was lost while COMMIT was in flight: the transaction may or may not have been committed. Check whether its changes are there before running it again.`,
        { cause: lost, operation: 'COMMIT' },
      );
    }
    // Before COMMIT a lost connection means the server rolled everything back: the statement
    // guard's OutcomeUnknownError (a write in flight) is safe to rerun as a whole.
    throw lost ?? error;
  }
}

/** The driver error that killed the connection, when that is what `error` is (or wraps). */
function lostConnectionCause(error: unknown): unknown {
  if (isHoldfastError(error) && error.code === 'ERR_HOLDFAST_OUTCOME_UNKNOWN') return error.cause;
  const fatal = (error as { fatal?: unknown } | null)?.fatal;
  return fatal === true ? error : undefined;
}

/** ROLLBACK on a live connection; one that does not answer is destroyed instead. */
function rollback(connection: PoolConnection): Promise<void> {
  return new Promise<void>((resolve) => {
    connection.rollback((error) => {
      if (error) connection.destroy();
      else connection.release();
      resolve();
    });
  });
}
