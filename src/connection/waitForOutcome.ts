import { AbortedError } from '../errors/AbortedError.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { assertNever } from '../internal/assertNever.js';
import type { Clock, TimerHandle } from '../internal/Clock.js';
import { abortReason } from '../internal/sleep.js';
import { describe } from '../internal/validate.js';
import type { ReadyOptions } from './ConnectionManagerOptions.js';
import type { ConnectionState } from './ConnectionState.js';

/** Told every state the manager enters, synchronously, in order. */
export type Waiter<C> = (state: ConnectionState<C>) => void;

/** Why `ready(options)` refuses before waiting: an aborted signal or a malformed `timeoutMs`. */
export function readyRefusal(options: ReadyOptions | undefined): Error | undefined {
  if (options?.signal?.aborted === true) return abortReason(options.signal);
  const timeoutMs: unknown = options?.timeoutMs;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0)
  ) {
    return new ConfigurationError(
      `Expected \`timeoutMs\` (${describe(timeoutMs)}) of ready() to be a finite number >= 0.`,
      { option: 'timeoutMs' },
    );
  }
  return undefined;
}

export interface OutcomeSource<C> {
  readonly name: string;
  readonly state: ConnectionState<C>;
  readonly waiters: Set<Waiter<C>>;
  readonly clock: Clock;
  readonly closedError: () => Error;
  /** A call's wait limit when it gives no `timeoutMs`, ms (the policy's nominal schedule). */
  readonly waitLimitMs: number;
  /**
   * Read when a waiter is told `failed`: true when the manager starts another cycle for calls
   * not yet failed (the cycle used up its retries; not a budget refusal).
   */
  readonly mayRestart: () => boolean;
  /**
   * Whether the attempt under way (`connecting`) began in this synchronous turn, so that a call
   * arriving now counts it as its own (a herd calling `ready()` together). @default never
   */
  readonly attemptJustStarted?: () => boolean;
  /**
   * Whether a cycle that ended on `error` was probed: it found nobody listening, and its waits
   * watched the port. @default never
   */
  readonly probed?: (error: Error) => boolean;
}

/**
 * The first `connected` state from now on (its connection), or the call's failure: what
 * `ready()` waits for. The waiter is told each state by the manager's `transition`, the same
 * sequence `state$` publishes, and removes itself when settled, when `signal` fires or when
 * its wait limit passes; nothing is left behind.
 *
 * A call fails only after a full chance (docs/decisions/0019-a-call-fails-after-a-full-chance.md):
 * an attempt that began after it arrived must have failed first, never one begun before. A call
 * without `timeoutMs` then fails when a cycle it saw from its first attempt gives up (it saw
 * `maxRetries + 1` attempts), or at the first such failure once `waitLimitMs` has passed; until
 * then the waiter stays through a `failed` state whose cycle used up its retries, and the manager
 * starts the next cycle for it after the base delay. With `timeoutMs` it stays until that
 * passes, then fails at once with an `AbortedError`. A fatal error, a cycle the breaker, the
 * budget or `maxElapsedMs` ended, and `closed` end it at once. `waitLimitMs: 0` (no
 * `timeoutMs`): the call fails with the cycle that fails.
 */
export function waitForOutcome<C>(source: OutcomeSource<C>, options?: ReadyOptions): Promise<C> {
  const signal = options?.signal;
  const timeoutMs = options?.timeoutMs;
  const limitMs = timeoutMs ?? source.waitLimitMs;
  const deadline = source.clock.now() + limitMs;
  const arrival = source.state;
  return new Promise<C>((resolve, reject) => {
    let timer: TimerHandle;
    let timed = false;
    let attempts = 0;
    let lastError: Error | undefined;
    let expired = false;
    // The attempt under way began after this call arrived (or in the same turn).
    let ownAttempt = arrival.status === 'connecting' && source.attemptJustStarted?.() === true;
    // This call saw its cycle from the first attempt on (and so every later cycle too).
    // A cycle that had already failed when the call arrived failed synchronously, on the
    // attempt this call's ready() began.
    let sawWholeCycle =
      arrival.status === 'failed' ||
      (ownAttempt && arrival.status === 'connecting' && arrival.attempt === 1);
    // An attempt that began after this call arrived has failed: the call has had a chance.
    let hadChance = arrival.status === 'failed';
    const pastLimit = (): boolean => expired || source.clock.now() >= deadline;
    const attemptEnded = (): void => {
      if (ownAttempt) hadChance = true;
      ownAttempt = false;
    };
    const finish = (): void => {
      source.waiters.delete(waiter);
      if (timed) source.clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      finish();
      reject(error);
    };
    const limitReached = (cause: Error): Error =>
      timeoutMs === undefined
        ? new RetriesExhaustedError(
            `${source.name} did not connect within this call's wait limit (${limitMs} ms, the retry policy's nominal schedule) after ${attempts} attempts: ${cause.message} Raise maxRetries or baseDelayMs, or pass timeoutMs, if the service needs longer to recover.`,
            { cause: lastAttemptError(cause), attempts, target: source.name },
          )
        : new AbortedError(
            `ready() waited timeoutMs (${timeoutMs}) for ${source.name} to connect; the connect loop goes on for other callers. Raise timeoutMs to wait longer.`,
            { cause: lastAttemptError(cause) },
          );
    /** Whether a cycle that used up its retries ends this call's wait. */
    const failsWithCycle = (error: Error): boolean => {
      if (timeoutMs !== undefined) return pastLimit();
      if (limitMs === 0 || (hadChance && pastLimit())) return true;
      // A cycle that ended against a closed port (a restarting server, its waits probed) does
      // not end a wait still within its limit: no server was hammered, and the next cycle
      // starts at once when the port listens again.
      return sawWholeCycle && source.probed?.(error) !== true;
    };
    let current = arrival;
    const waiter: Waiter<C> = (state) => {
      current = state;
      switch (state.status) {
        case 'connected':
          finish();
          resolve(state.connection);
          return;
        case 'failed':
          lastError = state.error;
          attemptEnded();
          if (!source.mayRestart() || failsWithCycle(state.error)) {
            fail(timeoutMs === undefined ? state.error : limitReached(state.error));
          }
          return;
        case 'closed':
          fail(source.closedError());
          return;
        case 'connecting':
          attempts += 1;
          ownAttempt = true;
          if (state.attempt === 1) sawWholeCycle = true;
          return;
        case 'retrying':
          lastError = state.error;
          attemptEnded();
          if (expired && hadChance) fail(limitReached(state.error));
          return;
        case 'idle':
          return;
        default:
          assertNever(state);
      }
    };
    const onAbort = (): void => {
      fail(abortReason(signal));
    };
    source.waiters.add(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (limitMs > 0) {
      timed = true;
      timer = source.clock.setTimeout(() => {
        timed = false;
        expired = true;
        // `timeoutMs` is a hard limit; the default one ends at the next failure of an attempt
        // begun after the call arrived, so that no attempt under way (the last of a cycle, one
        // begun before the call) decides it.
        if (timeoutMs !== undefined) {
          fail(limitReached(lastError ?? new AbortedError('No attempt had finished yet.')));
        } else if (current.status === 'failed' && hadChance) fail(current.error);
      }, limitMs);
    }
    // The cycle may already have ended (a fatal error thrown synchronously by connect).
    if (arrival.status === 'connecting') attempts = 1;
    else waiter(arrival);
  });
}

/** The error the last attempt failed with: a `RetriesExhaustedError`'s cause, else `error`. */
function lastAttemptError(error: Error): unknown {
  return error instanceof RetriesExhaustedError ? error.cause : error;
}
