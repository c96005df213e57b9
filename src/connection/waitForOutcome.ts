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
   * still within their limit (the cycle used up its retries; not a budget refusal).
   */
  readonly mayRestart: () => boolean;
}

/**
 * The first `connected` state from now on (its connection), or the call's failure: what
 * `ready()` waits for. The waiter is told each state by the manager's `transition`, the same
 * sequence `state$` publishes, and removes itself when settled, when `signal` fires or when
 * its wait limit passes; nothing is left behind.
 *
 * A call fails on its own clock (docs/decisions/0017-probe-and-call-wait-limit.md): a `failed`
 * state whose error is `RetriesExhaustedError` ends the wait only once the call's limit
 * (`timeoutMs`, else `waitLimitMs`) has passed; until then the waiter stays, and the manager
 * starts the next cycle after the base delay. A fatal error and `closed` end it at once. At the
 * limit it fails with an `AbortedError` (`timeoutMs` given) or a `RetriesExhaustedError` whose
 * `cause` is the last attempt's error; before any attempt has failed, at the next failure.
 */
export function waitForOutcome<C>(source: OutcomeSource<C>, options?: ReadyOptions): Promise<C> {
  const signal = options?.signal;
  const timeoutMs = options?.timeoutMs;
  const limitMs = timeoutMs ?? source.waitLimitMs;
  const deadline = source.clock.now() + limitMs;
  return new Promise<C>((resolve, reject) => {
    let timer: TimerHandle;
    let timed = false;
    let attempts = 0;
    let lastError: Error | undefined;
    let expired = false;
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
    let current = source.state;
    const waiter: Waiter<C> = (state) => {
      current = state;
      switch (state.status) {
        case 'connected':
          finish();
          resolve(state.connection);
          return;
        case 'failed':
          lastError = state.error;
          if (expired || !source.mayRestart() || source.clock.now() >= deadline) {
            fail(timeoutMs === undefined ? state.error : limitReached(state.error));
          }
          return;
        case 'closed':
          fail(source.closedError());
          return;
        case 'connecting':
          attempts += 1;
          return;
        case 'retrying':
          lastError = state.error;
          if (expired) fail(limitReached(state.error));
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
        // `timeoutMs` is a hard limit; the default one ends at the next failure, so that an
        // attempt under way (the last of a cycle, say) is not cut short by it.
        if (current.status === 'failed' && timeoutMs === undefined) fail(current.error);
        else if (timeoutMs !== undefined) {
          fail(limitReached(lastError ?? new AbortedError('No attempt had finished yet.')));
        }
      }, limitMs);
    }
    // The cycle may already have ended (a fatal error thrown synchronously by connect).
    if (source.state.status === 'connecting') attempts = 1;
    waiter(source.state);
  });
}

/** The error the last attempt failed with: a `RetriesExhaustedError`'s cause, else `error`. */
function lastAttemptError(error: Error): unknown {
  return error instanceof RetriesExhaustedError ? error.cause : error;
}
