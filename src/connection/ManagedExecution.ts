import { isUnsent } from '../classify/unsent.js';
import { scheduleWait } from '../internal/sleep.js';
import type { AttemptContext } from '../retry/AttemptContext.js';
import { type HookReporter, recordFailure, recordSuccess } from '../retry/guardedHooks.js';
import type { CircuitBreakerHook, CircuitTicket, RetryBudgetHook } from '../retry/hooks.js';
import { recordDecision } from '../retry/recordDecision.js';
import type { ManagerExecuteOptions } from './ConnectionManagerOptions.js';
import type { RetryContext } from './RetryContext.js';

/** What `ManagedExecution` needs from its `ConnectionManager`. */
export interface ExecutionHost<C> extends RetryContext {
  /** The manager's `mapError` option. */
  readonly mapError: ((error: unknown, connection: C, description: string) => unknown) | undefined;
  ready(signal: AbortSignal | undefined): Promise<C>;
  connectionLost(connection: C, error: unknown): void;
  /** Set once the manager is closed. */
  closedError(): Error | undefined;
  reportCallbackError: HookReporter;
}

type Operation<C, T> = (connection: C, context: AttemptContext) => T | PromiseLike<T>;

const firstAttempt: AttemptContext = Object.freeze({ attempt: 1, signal: undefined });

/**
 * `ConnectionManager.execute`: a fast path for a connected manager (no RxJS, no clock, no span;
 * one `then` on the operation's promise, whose success handler is shared by every call unless a
 * breaker ticket must hear the outcome), and the recovery loop that decides, per error, between
 * rethrowing, reconnecting, retrying and `OutcomeUnknownError`. What an operation fails with
 * passes the manager's `mapError` once, before anything looks at it.
 */
export class ManagedExecution<C> {
  readonly #host: ExecutionHost<C>;
  readonly #breaker: CircuitBreakerHook | undefined;
  readonly #budget: RetryBudgetHook | undefined;
  readonly #waits = new Set<(error: Error) => void>();
  readonly #report: HookReporter;
  /**
   * The success handler of every call without a breaker ticket: one function for all calls, so
   * the happy path allocates no closure for it. Undefined without a budget (nothing to tell).
   */
  readonly #countSuccess: ((value: unknown) => unknown) | undefined;

  constructor(host: ExecutionHost<C>) {
    this.#host = host;
    this.#breaker = host.breaker;
    this.#budget = host.budget;
    this.#report = host.reportCallbackError;
    this.#countSuccess =
      host.budget === undefined
        ? undefined
        : (value: unknown): unknown => {
            this.#succeeded(undefined);
            return value;
          };
  }

  /** The hot path: no RxJS, no clock, no span unless the operation fails. */
  runConnected<T>(
    fn: Operation<C, T>,
    connection: C,
    options: ManagerExecuteOptions | undefined,
  ): Promise<T> {
    let ticket: CircuitTicket | undefined;
    if (this.#breaker !== undefined) {
      try {
        ticket = this.#breaker.acquire();
      } catch (error) {
        return this.#recover(fn, options, error, connection, undefined);
      }
    }
    let result: T | PromiseLike<T>;
    try {
      result = fn(connection, firstAttempt);
    } catch (error) {
      return this.#recoverFrom(fn, options, error, connection, ticket);
    }
    if (!isThenable(result)) {
      this.#succeeded(ticket);
      return Promise.resolve(result);
    }
    // One promise layer over the operation's own: its failure is mapped and recovered here. The
    // handlers are inline arrows: a named one costs a defineProperty per call under tsx/esbuild.
    if (ticket === undefined) {
      return Promise.resolve(result).then(
        this.#countSuccess as ((value: T) => T) | undefined,
        (error: unknown) => this.#recoverFrom(fn, options, error, connection, undefined),
      );
    }
    return Promise.resolve(result).then(
      (value) => {
        this.#succeeded(ticket);
        return value;
      },
      (error: unknown) => this.#recoverFrom(fn, options, error, connection, ticket),
    );
  }

  /** Waits for a connection (or for `signal`), then runs `fn` as the first attempt. */
  async runWhenReady<T>(
    fn: Operation<C, T>,
    options: ManagerExecuteOptions | undefined,
  ): Promise<T> {
    const signal = options?.signal;
    const connection = await this.#host.ready(signal);
    let ticket: CircuitTicket | undefined;
    try {
      ticket = this.#breaker?.acquire();
    } catch (error) {
      return this.#recover(fn, options, error, connection, undefined);
    }
    try {
      const value = await fn(
        connection,
        signal === undefined ? firstAttempt : { attempt: 1, signal },
      );
      this.#succeeded(ticket);
      return value;
    } catch (error) {
      return this.#recoverFrom(fn, options, error, connection, ticket);
    }
  }

  /** Ends every backoff wait at once with `error` (the manager's `ClosedError`). */
  cancelWaits(error: Error): void {
    for (const cancel of [...this.#waits]) cancel(error);
  }

  /** `fn` failed on `connection`: its error goes through `mapError`, then into the recovery loop. */
  #recoverFrom<T>(
    fn: Operation<C, T>,
    options: ManagerExecuteOptions | undefined,
    error: unknown,
    connection: C,
    ticket: CircuitTicket | undefined,
  ): Promise<T> {
    return this.#recover(fn, options, this.#mapped(error, connection, options), connection, ticket);
  }

  /** What `fn` failed with, through the manager's `mapError` (never throws). */
  #mapped(error: unknown, connection: C, options: ManagerExecuteOptions | undefined): unknown {
    const mapError = this.#host.mapError;
    if (mapError === undefined) return error;
    try {
      return mapError(error, connection, options?.description ?? 'operation');
    } catch (mapFailure) {
      return mapFailure;
    }
  }

  /** @param firstError already mapped (or the breaker's refusal, which needs no mapping) */
  async #recover<T>(
    fn: Operation<C, T>,
    options: ManagerExecuteOptions | undefined,
    firstError: unknown,
    firstConnection: C,
    firstTicket: CircuitTicket | undefined,
  ): Promise<T> {
    const host = this.#host;
    const description = options?.description ?? 'operation';
    const signal = options?.signal;
    const started = host.clock.now();
    const op = host.instrumentation.operation('execute', description, started);
    let span = op.attempt(1, started);
    let attempt = 1;
    let error = firstError;
    let connection = firstConnection;
    let ticket = firstTicket;
    let previousDelay = 0;
    for (;;) {
      const classification = host.classifier.classify(error, { attempt, scope: 'execute' });
      recordFailure(ticket, error, classification, this.#report);
      span.fail(error, classification);
      // The reconnect loop starts now, whatever happens to this call.
      if (classification.kind !== 'fatal' && classification.connectionLost) {
        host.connectionLost(connection, error);
      }
      const decision = host.decider.decide({
        error,
        classification,
        attempt,
        elapsedMs: host.clock.now() - started,
        previousDelayMs: previousDelay,
        scope: 'execute',
        subject: `${description} on ${host.name}`,
        operation: description,
        signal,
        resendable: options?.idempotent === true || isUnsent(error),
        // A lost connection is waited for by the reconnect loop, which owns that backoff.
        waitElsewhere: classification.kind !== 'fatal' && classification.connectionLost,
      });
      recordDecision(op, decision);
      if (decision.type === 'stop') throw decision.thrown;
      try {
        if (decision.delayMs > 0) await this.#wait(decision.delayMs, signal);
        connection = await host.ready(signal);
      } catch (waitError) {
        op.fail(waitError, attempt);
        throw waitError;
      }
      previousDelay = decision.delayMs;
      attempt += 1;
      ticket = undefined;
      span = op.attempt(attempt);
      try {
        ticket = this.#breaker?.acquire();
      } catch (refusal) {
        error = refusal;
        continue;
      }
      try {
        // Spans a driver instrumentation opens inside the attempt (mysql2's statement spans)
        // become children of the attempt's span.
        const context = { attempt, signal };
        const value = await (span.run === undefined
          ? fn(connection, context)
          : span.run(() => fn(connection, context)));
        this.#succeeded(ticket);
        span.succeed();
        op.succeed(attempt);
        return value;
      } catch (attemptError) {
        error = this.#mapped(attemptError, connection, options);
      }
    }
  }

  #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const closed = this.#host.closedError();
    if (closed !== undefined) return Promise.reject(closed);
    return new Promise<void>((resolve, reject) => {
      const cancel = scheduleWait(
        ms,
        this.#host.clock,
        signal,
        () => {
          this.#waits.delete(onClose);
          resolve();
        },
        (error) => {
          this.#waits.delete(onClose);
          reject(error);
        },
      );
      const onClose = (error: Error): void => {
        this.#waits.delete(onClose);
        cancel();
        reject(error);
      };
      this.#waits.add(onClose);
    });
  }

  #succeeded(ticket: CircuitTicket | undefined): void {
    recordSuccess(ticket, this.#budget, this.#report);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
