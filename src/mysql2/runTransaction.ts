import { backoffDelay } from '../backoff/exponentialBackoff.js';
import type { Classification } from '../classify/Classification.js';
import { isUnsent } from '../classify/unsent.js';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { sleep } from '../internal/sleep.js';
import { expectInteger } from '../internal/validate.js';
import { describeError } from '../telemetry/redact.js';
import type { Lease } from './Lease.js';
import type { PoolCore } from './PoolCore.js';
import { lostConnection } from './runStatement.js';
import { TransactionConnection } from './TransactionConnection.js';

/** Options of `pool.transaction()`. */
export interface TransactionOptions {
  /** Reruns of the whole function after the first run. @default `retry.maxRetries` of the pool */
  readonly maxRetries?: number;
  /** Ends waits (checkout, backoff) at once with `AbortedError`. */
  readonly signal?: AbortSignal;
}

/** What the transaction function is told besides its connection. */
export interface TransactionContext {
  /** 1 for the first run, 2 for the first rerun, ... */
  readonly attempt: number;
}

// Deadlock rivals wait a random 0 to 10 x 2^(n-1) ms (at most 200 ms) before rerunning, so that
// they do not collide again in lockstep; the reconnect policy's seconds would be far too slow.
const rerunBackoff = {
  baseDelayMs: 10,
  maxDelayMs: 200,
  exponentialBase: 2,
  jitter: 'full',
} as const;

type Phase = 'begin' | 'body' | 'commit';

/**
 * BEGIN, `fn`, COMMIT on one connection. The whole function runs again on a deadlock (1213), a
 * lock wait timeout (1205) and a connection lost before COMMIT was sent (the server rolled the
 * transaction back); a connection lost while COMMIT was in flight is an `OutcomeUnknownError`.
 * Any other error rolls back and is thrown as it is.
 */
export async function runTransaction<T>(
  core: PoolCore,
  fn: (connection: TransactionConnection, context: TransactionContext) => Promise<T>,
  options: TransactionOptions | undefined,
): Promise<T> {
  if (typeof fn !== 'function') {
    throw new TypeError(
      `Expected the argument of transaction() to be a function, got ${typeof fn}.`,
    );
  }
  const maxRetries =
    options?.maxRetries === undefined
      ? core.config.retry.maxRetries
      : expectInteger('maxRetries', options.maxRetries, 0);
  const { clock, random } = core.config;
  let previousDelay = 0;
  for (let attempt = 1; ; attempt += 1) {
    const lease = await core.checkout(options?.signal);
    const connection = new TransactionConnection(lease);
    let phase: Phase = 'begin';
    try {
      await lease.run('query', 'START TRANSACTION', undefined);
      phase = 'body';
      const result = await fn(connection, { attempt });
      connection.end();
      // fn caught a deadlock and went on: the server already rolled the transaction back, and
      // what ran after it was autocommitted. COMMIT would report success for half the work.
      const rolledBack = connection.rolledBackBy;
      if (rolledBack !== undefined) throw rolledBack as Error;
      phase = 'commit';
      await lease.run('query', 'COMMIT', undefined);
      lease.release();
      return result;
    } catch (error) {
      connection.end();
      const verdict = core.classifier.classify(error, { attempt, scope: 'transaction' });
      if (
        phase === 'commit' &&
        verdict.kind !== 'fatal' &&
        verdict.connectionLost &&
        !isUnsent(error)
      ) {
        lease.destroy();
        throw new OutcomeUnknownError(
          `The connection to ${core.config.name} was lost while COMMIT was in flight: the transaction may or may not have been committed (${describeError(error)}). Check whether its changes are there before running it again.`,
          { cause: error, operation: 'COMMIT' },
        );
      }
      await rollback(lease, verdict);
      const final = finalError(core, error, verdict, attempt, maxRetries);
      if (final !== undefined) throw final as Error;
      core.counters.transactionRetries += 1;
      if (!lostConnection(verdict)) {
        previousDelay = backoffDelay(attempt, previousDelay, rerunBackoff, random);
        await sleep(previousDelay, options?.signal, clock);
      }
    }
  }
}

function finalError(
  core: PoolCore,
  error: unknown,
  verdict: Classification,
  attempt: number,
  maxRetries: number,
): unknown {
  if (verdict.kind === 'fatal') return error;
  if (attempt > maxRetries) {
    return new RetriesExhaustedError(
      `The transaction on ${core.config.name} failed after ${attempt - 1} reruns: ${describeError(error)}. Raise maxRetries, or make the transactions touch rows in the same order.`,
      { cause: error, attempts: attempt, target: core.config.name },
    );
  }
  return undefined;
}

/** ROLLBACK on a live connection; a dead or unanswering one is destroyed instead. */
async function rollback(lease: Lease, verdict: Classification): Promise<void> {
  if (!lease.usable || (verdict.kind !== 'fatal' && verdict.connectionLost)) {
    lease.destroy();
    return;
  }
  try {
    await lease.run('query', 'ROLLBACK', undefined);
    lease.release();
  } catch {
    lease.destroy();
  }
}
