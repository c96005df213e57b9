import { AbortedError } from '../errors/AbortedError.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { type Clock, systemClock } from './Clock.js';
import { waitsAreInstant } from './instantMode.js';

/**
 * Waits `ms` milliseconds; an abort ends the wait at once with the signal's reason (an
 * `AbortedError` unless the signal carries a holdfast error such as `ClosedError`).
 * No timer or listener survives the promise.
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0 || waitsAreInstant()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The error an aborted signal stands for. A typed error passes through as it is: a holdfast
 * error (the `ClosedError` of `close()`) or an Error with a string `code` (the
 * `ConnectTimeoutError` an attempt timeout aborts with, code `ETIMEDOUT`), so that it is
 * classified and reported for what it is. Anything else (the DOMException of
 * `controller.abort()` or `AbortSignal.timeout()`, a code-less Error, any other value) becomes
 * an `AbortedError` whose `cause` is the reason.
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
