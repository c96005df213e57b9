import { AbortedError } from '../errors/AbortedError.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
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
}

/**
 * The first `connected` state from now on (its connection), or the first `failed` (its error) or
 * `closed` (`ClosedError`): what `ready()` waits for. The waiter is told each state by the
 * manager's `transition`, the same sequence `state$` publishes, and removes itself when settled,
 * when `signal` fires or when `timeoutMs` passes; nothing is left behind.
 */
export function waitForOutcome<C>(source: OutcomeSource<C>, options?: ReadyOptions): Promise<C> {
  const signal = options?.signal;
  const timeoutMs = options?.timeoutMs;
  return new Promise<C>((resolve, reject) => {
    let timer: TimerHandle;
    let timed = false;
    const finish = (): void => {
      source.waiters.delete(waiter);
      if (timed) source.clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const waiter: Waiter<C> = (state) => {
      switch (state.status) {
        case 'connected':
          finish();
          resolve(state.connection);
          return;
        case 'failed':
          finish();
          reject(state.error);
          return;
        case 'closed':
          finish();
          reject(source.closedError());
          return;
        case 'idle':
        case 'connecting':
        case 'retrying':
          return;
        default:
          assertNever(state);
      }
    };
    const onAbort = (): void => {
      finish();
      reject(abortReason(signal));
    };
    source.waiters.add(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timed = true;
      timer = source.clock.setTimeout(() => {
        finish();
        reject(
          new AbortedError(
            `ready() waited timeoutMs (${timeoutMs}) for ${source.name} to connect; the connect loop goes on for other callers. Raise timeoutMs to wait longer.`,
          ),
        );
      }, timeoutMs);
    }
    // The cycle may already have ended (a fatal error thrown synchronously by connect).
    waiter(source.state);
  });
}
