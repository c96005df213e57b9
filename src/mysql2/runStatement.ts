import { backoffDelay } from '../backoff/exponentialBackoff.js';
import type { Classification } from '../classify/Classification.js';
import { isUnsent } from '../classify/unsent.js';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { sleep } from '../internal/sleep.js';
import type { OperationTelemetry } from '../telemetry/Instrumentation.js';
import { describeError } from '../telemetry/redact.js';
import { type StatementInfo, classifyStatement } from './classifyStatement.js';
import type { QueryValues } from './driver.js';
import type { StatementKind } from './Lease.js';
import type { PoolCore } from './PoolCore.js';
import { plural } from '../internal/plural.js';

/** Options of `pool.query()` and `pool.execute()`. */
export interface StatementOptions {
  /**
   * Whether sending the statement twice is harmless. `undefined` (the default) decides from the
   * text: reads (SELECT, SHOW, DESCRIBE, EXPLAIN) are re-sent after a lost connection, anything
   * else is not. `true` re-sends a write too (an upsert, a DELETE by key); `false` never re-sends
   * a statement that may have reached the server, not even a read.
   */
  readonly idempotent?: boolean;
  /** Ends waits (checkout, backoff) at once with `AbortedError`. */
  readonly signal?: AbortSignal;
}

/**
 * One statement with holdfast's re-send rules: a failure before it was sent (checkout, a dead
 * connection refusing the command) is retried; after it may have reached the server, only a
 * read or an `idempotent: true` statement is sent again (on a fresh connection, at once after a
 * lost connection, with backoff otherwise), up to `retry.maxRetries` times; anything else
 * becomes an `OutcomeUnknownError` carrying the driver's error.
 */
export async function runStatement(
  core: PoolCore,
  kind: StatementKind,
  sql: string,
  values: QueryValues | undefined,
  options: StatementOptions | undefined,
): Promise<[unknown, unknown]> {
  if (typeof sql !== 'string') {
    throw new TypeError(`Expected the SQL of ${kind}() to be a string, got ${typeof sql}.`);
  }
  const { clock } = core.config;
  const startedAt = clock.now();
  // Read the statement only when something failed: the happy path parses nothing.
  let info: StatementInfo | undefined;
  let op: OperationTelemetry | undefined;
  let previousDelay = 0;
  for (let attempt = 1; ; attempt += 1) {
    const lease = await core.checkout(options?.signal);
    let result: [unknown, unknown];
    try {
      result = await lease.run(kind, sql, values);
    } catch (error) {
      lease.release();
      const verdict = core.classifier.classify(error, { attempt, scope: 'execute' });
      info ??= classifyStatement(sql);
      const resendable = options?.idempotent ?? info.kind === 'read';
      op ??= core.instrumentation.operation('execute', info.operation, startedAt);
      op.attempt(attempt, clock.now()).fail(error, verdict);
      const final = finalError(core, error, verdict, attempt, resendable, info.operation);
      if (final !== undefined) {
        op.fail(error, attempt);
        throw final as Error;
      }
      core.counters.statementRetries += 1;
      const delay = immediate(verdict) ? 0 : retryDelay(core, attempt, previousDelay, verdict);
      op.retryScheduled(attempt, delay, error);
      await sleep(delay, options?.signal, clock);
      previousDelay = delay;
      continue;
    }
    lease.release();
    op?.succeed(attempt);
    return result;
  }
}

/** The error to throw instead of retrying, or undefined to retry. */
function finalError(
  core: PoolCore,
  error: unknown,
  verdict: Classification,
  attempt: number,
  resendable: boolean,
  operation: string,
): unknown {
  if (verdict.kind === 'fatal') return error;
  if (!resendable && !isUnsent(error)) {
    return new OutcomeUnknownError(
      `${operation} on ${core.config.name} may or may not have been applied: ${describeError(error)}. holdfast did not send it again (that could apply it twice). Check whether it took effect, or pass { idempotent: true } if running it twice is harmless.`,
      { cause: error, operation },
    );
  }
  if (attempt > core.config.retry.maxRetries) {
    return new RetriesExhaustedError(
      `${operation} on ${core.config.name} failed after ${plural(attempt - 1, 'retry', 'retries')}: ${describeError(error)}. Raise retry.maxRetries if the server needs longer to recover.`,
      { cause: error, attempts: attempt, target: core.config.name },
    );
  }
  return undefined;
}

function retryDelay(
  core: PoolCore,
  attempt: number,
  previousDelay: number,
  verdict: Classification,
): number {
  const { retry, random } = core.config;
  const delay = backoffDelay(attempt, previousDelay, retry, random);
  return verdict.kind === 'throttled'
    ? Math.min(delay * retry.throttledDelayFactor, retry.maxDelayMs)
    : delay;
}

/** The error killed the connection: the retry goes at once to a fresh one. */
export function lostConnection(verdict: Classification): boolean {
  return verdict.kind !== 'fatal' && verdict.connectionLost;
}

/**
 * A transient loss of one connection is retried at once (the checkout waits for the server if
 * it is down); a throttled server (1040 too many connections) gets the backoff.
 */
function immediate(verdict: Classification): boolean {
  return verdict.kind === 'transient' && verdict.connectionLost;
}
