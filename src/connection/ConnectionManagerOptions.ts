import type { Observable } from 'rxjs';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { Clock } from '../internal/Clock.js';
import type { Random } from '../internal/Random.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../retry/hooks.js';
import type { RetryOptions, RetryPolicy } from '../retry/RetryOptions.js';
import type { TargetDescription, TelemetryOptions } from '../telemetry/TelemetryOptions.js';

/** Options of a `ConnectionManager<C>` (DESIGN.md "Public surface"). */
export interface ConnectionManagerOptions<C> extends TelemetryOptions {
  /** The target's name in states, errors, spans and log lines, e.g. `mysql-main`. */
  readonly name: string;
  /** Opens one connection; should honour `signal` (abort the socket when it fires). */
  readonly connect: (signal: AbortSignal) => Promise<C>;
  /** Closes a connection the manager no longer wants. Errors are reported, never thrown. */
  readonly disconnect?: (connection: C) => Promise<void> | void;
  /** Checks a fresh connection (e.g. PING); a rejection is a failed attempt. */
  readonly verify?: (connection: C, signal: AbortSignal) => Promise<unknown>;
  /** Emits (or completes) when the connection dies; the manager then reconnects. */
  readonly lost?: (connection: C) => Observable<unknown>;
  /**
   * Turns what an `execute` operation failed with (thrown or rejected) into the error that the
   * classifier, the breaker, spans and the caller see: a driver's error shapes into coded errors.
   * Called once per failed attempt, with the connection it ran on and the call's `description`
   * (`'operation'` when none). It lets an operation hand back the driver's own promise, with no
   * conversion step of its own on the happy path. Should not throw; if it does, what it threw
   * is the attempt's error. @default the error as it is
   */
  readonly mapError?: (error: unknown, connection: C, description: string) => unknown;
  readonly retry?: RetryOptions;
  /** Defaults the retry options are merged over. @default the MySQL defaults */
  readonly retryDefaults?: RetryPolicy;
  readonly classifier?: ErrorClassifier;
  readonly circuitBreaker?: CircuitBreakerHook;
  /**
   * Asked before every retry (reconnect loop and `execute`); `false` switches the budget off.
   * @default a `new RetryBudget()` of the manager's own (maxTokens 10, tokenRatio 0.1,
   *   minRetriesPerSecond 10) on the manager's clock
   */
  readonly budget?: RetryBudgetHook | false;
  /** Attributes for spans (`db.system.name`, `server.address`, ...). */
  readonly target?: Omit<TargetDescription, 'name'>;
  /** Timeout of one connect + verify attempt, ms. @default 10000 */
  readonly connectTimeoutMs?: number;
  /**
   * Reads time and runs every wait (backoff, connect timeout, `ready()` timeout): the one time
   * seam. `sinon.useFakeTimers()` drives the default. @default systemClock
   */
  readonly clock?: Clock;
  /** Jitter source. @default Math.random */
  readonly random?: Random;
}

/** Options of `manager.ready()`. */
export interface ReadyOptions {
  readonly signal?: AbortSignal;
  /** Give up waiting after this many ms (the loop goes on for other callers). */
  readonly timeoutMs?: number;
}

/** Options of `manager.execute()`. */
export interface ManagerExecuteOptions {
  /** Names the operation in spans, logs and errors. @default 'operation' */
  readonly description?: string;
  /** Running it twice is harmless: retry even after the request may have reached the server. */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
}
