import { AbortedError } from '../errors/AbortedError.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import type { DeadlineTimer, Expiring } from './DeadlineTimer.js';

/** The reason a Deadline carries when its time ran out. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  constructor(readonly timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms.`);
  }
}

/**
 * Something a wait can be cancelled by. Lighter than an AbortSignal: a checkout creates one on
 * every slow-path call, and EventTarget listeners cost microseconds each.
 */
export interface Cancellation {
  readonly cancelled: boolean;
  /** Why it was cancelled (undefined until then). */
  readonly reason: Error | undefined;
  /** Calls `listener` once on cancellation (at once if already cancelled); returns the unsubscribe. */
  onCancel(listener: (reason: Error) => void): () => void;
}

/**
 * A point in time on the pool's DeadlineTimer: cancelled with `DeadlineExceeded` when it passes,
 * or earlier by `cancel(reason)` (the pool closing) or by the caller's AbortSignal (its reason).
 * `dispose()` leaves the timer and drops every listener. It sets up no timer of its own and
 * allocates its listener list only when something listens.
 */
export class Deadline implements Cancellation, Expiring {
  readonly at: number;
  readonly #timeoutMs: number;
  readonly #timer: DeadlineTimer<Deadline>;
  readonly #parent: AbortSignal | undefined;
  #listeners: ((reason: Error) => void)[] | undefined;
  #reason: Error | undefined;
  #controller: AbortController | undefined;

  constructor(timeoutMs: number, timer: DeadlineTimer<Deadline>, parent?: AbortSignal) {
    this.#timeoutMs = timeoutMs;
    this.#timer = timer;
    this.at = timer.clock.now() + timeoutMs;
    this.#parent = parent;
    if (parent?.aborted) {
      this.#reason = abortedBy(parent.reason);
      return;
    }
    timer.add(this);
    parent?.addEventListener('abort', this, { once: true });
  }

  get cancelled(): boolean {
    return this.#reason !== undefined;
  }

  get reason(): Error | undefined {
    return this.#reason;
  }

  /** True when the time ran out (not the caller's signal, not a close). */
  get expired(): boolean {
    return this.#reason instanceof DeadlineExceeded;
  }

  /** An AbortSignal that follows this deadline, for APIs that take one; made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      this.onCancel((reason) => {
        controller.abort(reason);
      });
    }
    return this.#controller.signal;
  }

  /** Milliseconds left, never below 0. */
  remaining(): number {
    return Math.max(0, this.at - this.#timer.clock.now());
  }

  /** The DeadlineTimer's call when `at` has passed. */
  expire(): void {
    this.cancel(new DeadlineExceeded(this.#timeoutMs));
  }

  /** The caller's AbortSignal fired (the deadline listens as an EventListener object). */
  handleEvent(): void {
    this.cancel(abortedBy(this.#parent?.reason));
  }

  cancel(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#timer.delete(this);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(reason);
  }

  onCancel(listener: (reason: Error) => void): () => void {
    if (this.#reason !== undefined) {
      listener(this.#reason);
      return () => undefined;
    }
    (this.#listeners ??= []).push(listener);
    return () => {
      const index = this.#listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.#listeners?.splice(index, 1);
    };
  }

  dispose(): void {
    this.#timer.delete(this);
    this.#parent?.removeEventListener('abort', this);
    this.#listeners = undefined;
  }
}

/**
 * Settles with `promise`, or rejects with the cancellation's reason when it comes first. The
 * promise keeps running: `onAbandoned` receives its value if it resolves after the cancellation
 * won, so that what it opened can be closed.
 */
export function raceCancellation<T>(
  promise: Promise<T>,
  cancellation: Cancellation,
  onAbandoned?: (value: T) => void,
): Promise<T> {
  const cancelled = cancellation.reason;
  if (cancelled !== undefined) {
    void promise.then(onAbandoned, () => undefined);
    return Promise.reject(cancelled);
  }
  return new Promise<T>((resolve, reject: (reason: Error) => void) => {
    let settled = false;
    const unsubscribe = cancellation.onCancel((reason) => {
      settled = true;
      reject(reason);
    });
    promise.then(
      (value) => {
        unsubscribe();
        if (settled) onAbandoned?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        if (!settled) reject(error as Error);
      },
    );
  });
}

/**
 * The error a caller's aborted signal stands for: its reason when that is a holdfast error,
 * else an `AbortedError` whose `cause` is the reason.
 */
function abortedBy(reason: unknown): Error {
  if (reason instanceof Error && isHoldfastError(reason)) return reason;
  return new AbortedError(
    'The checkout was aborted by its AbortSignal; nothing further was attempted.',
    { cause: reason },
  );
}
