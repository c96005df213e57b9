import { Observable } from 'rxjs';
import { AbortedError } from '../errors/AbortedError.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { type Clock, systemClock } from './Clock.js';
import { waitsAreInstant } from './instantMode.js';

/**
 * The one wait of every holdfast loop: calls `done` after `ms` on `clock`, or `failed` with the
 * signal's reason at once when `signal` fires. While `instantRetries()` is in force the wait is a
 * microtask (no timer, so a user's fake clock needs no tick). Returns the function that cancels
 * it silently; no timer or listener survives the wait's end or its cancellation.
 */
export function scheduleWait(
  ms: number,
  clock: Clock,
  signal: AbortSignal | undefined,
  done: () => void,
  failed: (error: Error) => void,
): () => void {
  if (signal?.aborted === true) {
    failed(abortReason(signal));
    return noop;
  }
  let live = true;
  let handle: unknown;
  const timed = ms > 0 && !waitsAreInstant();
  const finish = (): void => {
    live = false;
    if (timed) clock.clearTimeout(handle);
    signal?.removeEventListener('abort', onAbort);
  };
  const onAbort = (): void => {
    if (!live) return;
    finish();
    failed(abortReason(signal));
  };
  const fire = (): void => {
    if (!live) return;
    live = false;
    signal?.removeEventListener('abort', onAbort);
    done();
  };
  if (timed) handle = clock.setTimeout(fire, ms);
  // A promise job, not queueMicrotask: fake timers replace that one, and would hold the wait.
  else void Promise.resolve().then(fire);
  signal?.addEventListener('abort', onAbort, { once: true });
  return () => {
    if (live) finish();
  };
}

/**
 * Waits `ms` milliseconds (the one wait, as a promise); an abort ends the wait at once with the
 * signal's reason (an `AbortedError` unless the signal carries a holdfast error such as
 * `ClosedError`).
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0 || waitsAreInstant()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    scheduleWait(ms, clock, signal, resolve, reject);
  });
}

/** The one wait as an observable: emits once after `ms` and completes; unsubscribing cancels it. */
export function wait$(ms: number, clock: Clock, signal?: AbortSignal): Observable<void> {
  return new Observable<void>((subscriber) =>
    scheduleWait(
      ms,
      clock,
      signal,
      () => {
        subscriber.next();
        subscriber.complete();
      },
      (error) => {
        subscriber.error(error);
      },
    ),
  );
}

/**
 * The error an aborted signal stands for. A typed error passes through as it is: a holdfast
 * error (the `ClosedError` of `close()`, a `ConnectTimeoutError`) or an Error with a string
 * `code`, so that it is classified and reported for what it is. Anything else (the DOMException
 * of `controller.abort()` or `AbortSignal.timeout()`, a code-less Error, any other value)
 * becomes an `AbortedError` whose `cause` is the reason.
 */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (
    reason instanceof Error &&
    (isHoldfastError(reason) || typeof errorCodeOf(reason) === 'string')
  ) {
    return reason;
  }
  return new AbortedError(
    'The operation was aborted by its AbortSignal; nothing further was attempted.',
    { cause: reason },
  );
}

function errorCodeOf(error: Error): unknown {
  return (error as Error & { code?: unknown }).code;
}

function noop(): void {
  // Nothing to cancel.
}
