import { type Clock, type TimerHandle, systemClock } from '../internal/Clock.js';
import { abortReason } from '../internal/sleep.js';
import { expectFiniteNumber } from '../internal/validate.js';
import type { AttemptContext } from '../retry/AttemptContext.js';
import { AttemptTimeoutError } from '../errors/AttemptTimeoutError.js';

/**
 * Bounds every attempt of a retried function. The attempt gets a signal that fires when
 * `timeoutMs` passes or the caller's signal fires; on timeout it rejects with
 * `AttemptTimeoutError` (code `ERR_HOLDFAST_ATTEMPT_TIMEOUT`, transient), so the loop retries after its backoff.
 * Pair it with `maxElapsedMs` (no wait starts that would end past the deadline) and the caller's
 * `AbortSignal` (ends a wait at once): together they bound the whole operation. Time comes from
 * `clock`, so fake timers drive it; no timer or listener outlives the attempt.
 *
 * @param timeoutMs the longest one attempt may take, ms (>= 1)
 * @throws {ConfigurationError} `timeoutMs` is not a finite number >= 1
 * @example
 * const handler = new RetryHandler({ maxRetries: 3, maxElapsedMs: 10_000 });
 * await handler.execute(
 *   withAttemptTimeout(2000, ({ signal }) => fetch(url, { signal })),
 *   'fetch profile',
 *   { signal: request.signal },
 * );
 */
export function withAttemptTimeout<T>(
  timeoutMs: number,
  fn: (context: AttemptContext) => T | PromiseLike<T>,
  options: { readonly clock?: Clock } = {},
): (context: AttemptContext) => Promise<T> {
  expectFiniteNumber('timeoutMs', timeoutMs, 1);
  const clock = options.clock ?? systemClock;
  return async (context) => {
    const outer = context.signal;
    if (outer?.aborted) throw abortReason(outer);
    const controller = new AbortController();
    let timer: TimerHandle = undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        const error = new AttemptTimeoutError(timeoutMs);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
      onAbort = () => {
        controller.abort(outer?.reason);
        reject(abortReason(outer));
      };
      outer?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const attempt = Promise.resolve().then(() =>
        fn({ attempt: context.attempt, signal: controller.signal }),
      );
      return await Promise.race([attempt, stop]);
    } finally {
      clock.clearTimeout(timer);
      if (onAbort !== undefined) outer?.removeEventListener('abort', onAbort);
    }
  };
}
