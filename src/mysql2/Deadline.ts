import type { Clock, TimerHandle } from '../internal/Clock.js';

/** The reason a Deadline's signal carries when its time ran out. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  constructor(readonly timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms.`);
  }
}

/**
 * A point in time on `clock` and an AbortSignal that fires there (reason: `DeadlineExceeded`),
 * or earlier when one of the parent signals fires (its reason). `dispose()` clears the timer.
 */
export class Deadline {
  readonly at: number;
  readonly #clock: Clock;
  readonly #controller = new AbortController();
  readonly #timer: TimerHandle;
  readonly #parents: readonly AbortSignal[];
  readonly #onParentAbort = (event: Event): void => {
    this.#controller.abort((event.target as AbortSignal).reason);
  };

  constructor(timeoutMs: number, clock: Clock, parents: readonly (AbortSignal | undefined)[] = []) {
    this.#clock = clock;
    this.at = clock.now() + timeoutMs;
    this.#parents = parents.filter((parent) => parent !== undefined);
    this.#timer = clock.setTimeout(() => {
      this.#controller.abort(new DeadlineExceeded(timeoutMs));
    }, timeoutMs);
    for (const parent of this.#parents) {
      if (parent.aborted) this.#controller.abort(parent.reason);
      else parent.addEventListener('abort', this.#onParentAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Milliseconds left, never below 0. */
  remaining(): number {
    return Math.max(0, this.at - this.#clock.now());
  }

  /** True when the deadline itself (not the caller's signal) ended the wait. */
  get expired(): boolean {
    return this.#controller.signal.reason instanceof DeadlineExceeded;
  }

  dispose(): void {
    this.#clock.clearTimeout(this.#timer);
    for (const parent of this.#parents) parent.removeEventListener('abort', this.#onParentAbort);
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason when it fires first. The promise
 * keeps running: `onAbandoned` receives its value if it resolves after the signal won, so that
 * what it opened can be closed.
 */
export function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  onAbandoned?: (value: T) => void,
): Promise<T> {
  if (signal.aborted) {
    void promise.then(onAbandoned, () => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject: (reason: Error) => void) => {
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) onAbandoned?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) reject(error as Error);
      },
    );
  });
}
