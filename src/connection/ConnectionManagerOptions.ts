import type { Observable } from 'rxjs';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { Clock } from '../internal/Clock.js';
import type { Random } from '../internal/Random.js';
import type { ProbeAddress } from '../probe/ProbeAddress.js';
import type { Probe } from '../probe/tcpProbe.js';
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
  /**
   * Attributes for spans (`db.system.name`, `server.address`, ...); `address` + `port` (or a
   * socket path as `address`) are also where `probe` connects.
   */
  readonly target?: Omit<TargetDescription, 'name'>;
  /**
   * Watching for the server's return: while a reconnect waits after an attempt that found
   * nobody listening (connection refused, no such socket), the target's port is probed (a
   * connect closed at once, no byte sent, one at a time, at most every `intervalMs`); when one
   * connects, the wait ends and the retry starts. Never after an error the server answered or
   * a timeout. `false` switches it off. @default on when `target` names an address and port
   * (or a socket path)
   */
  readonly probe?: ProbeOptions | false;
  /**
   * How long a `ready()` / `execute` call without `timeoutMs` waits for a connection, ms. A call
   * fails only after a full chance (ADR 0019): when a cycle it saw from its first attempt gives
   * up, or once this has passed, at the next failure of an attempt begun after it arrived; never
   * on an attempt begun before. Calls not yet failed when a cycle gives up get another after the
   * base delay. `0`: a call fails with the cycle that fails (holdfast 0.1). @default the policy's
   * nominal schedule, the sum of its un-jittered delays (1 + 2 + 4 s for MySQL, 0.5 + 1 + 2 s
   * for Redis)
   */
  readonly waitLimitMs?: number;
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

/** Options of a manager's `probe`. */
export interface ProbeOptions {
  /** Where to probe. @default the `target`'s `address` and `port` (or socket path) */
  readonly address?: ProbeAddress;
  /** The least time from one probe's start to the next one's, ms. @default 100 */
  readonly intervalMs?: number;
  /** One probe (specs pass a scripted one). @default a TCP connect closed at once (`tcpProbe`) */
  readonly probe?: Probe;
}

/** Options of `manager.ready()`. */
export interface ReadyOptions {
  /** Ends the wait at once with an `AbortedError` (the loop goes on for other callers). */
  readonly signal?: AbortSignal;
  /**
   * This call's wait limit, ms: it fails no earlier than this (unless the error is fatal or
   * the manager closes), with an `AbortedError` at once if still not connected then. A connect
   * cycle that gives up sooner does not end the wait: the next cycle starts after the base delay.
   * @default the manager's `waitLimitMs`, the rules of ADR 0019: the call fails when a cycle it
   *   saw from its start gives up, or after that limit (the policy's nominal schedule: 1 + 2 + 4 s
   *   for MySQL, 0.5 + 1 + 2 s for Redis) at the next failure of an attempt begun after it
   *   arrived, with `RetriesExhaustedError`
   */
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
