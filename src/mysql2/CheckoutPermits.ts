import type { Clock } from '../internal/Clock.js';
import type { Cancellation } from './Deadline.js';

/** The right to hold one connection; released exactly once. */
export interface Permit {
  /** When it was granted (clock ms). */
  readonly grantedAt: number;
  release(): void;
}

interface Waiter {
  readonly grant: (permit: Permit) => void;
}

/**
 * The pool's own checkout queue: `size` permits (the connection limit), granted in FIFO order.
 * holdfast queues here rather than in mysql2, so that a failing connection attempt cannot make
 * mysql2 hand its queue one connection attempt after another to a dead server.
 */
export class CheckoutPermits {
  readonly size: number;
  readonly #clock: Clock;
  readonly #held = new Set<Permit>();
  readonly #waiters: Waiter[] = [];

  constructor(size: number, clock: Clock) {
    this.size = size;
    this.#clock = clock;
  }

  get held(): number {
    return this.#held.size;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** How long the longest-held permit has been held, ms (0 when none is). */
  oldestHeldMs(): number {
    let oldest = Infinity;
    for (const permit of this.#held) oldest = Math.min(oldest, permit.grantedAt);
    return oldest === Infinity ? 0 : this.#clock.now() - oldest;
  }

  /** A permit now, or undefined when all are held. */
  tryAcquire(): Permit | undefined {
    if (this.#held.size >= this.size || this.#waiters.length > 0) return undefined;
    return this.#grant();
  }

  /**
   * Waits for a permit in FIFO order; rejects with the cancellation's reason when it comes
   * first (the waiter leaves the queue, nothing leaks).
   */
  acquire(cancellation: Cancellation): Promise<Permit> {
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    const cancelled = cancellation.reason;
    if (cancelled !== undefined) return Promise.reject(cancelled);
    return new Promise<Permit>((resolve, reject: (reason: Error) => void) => {
      const waiter: Waiter = {
        grant: (permit) => {
          unsubscribe();
          resolve(permit);
        },
      };
      const unsubscribe = cancellation.onCancel((reason) => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(reason);
      });
      this.#waiters.push(waiter);
    });
  }

  #grant(): Permit {
    let released = false;
    const permit: Permit = {
      grantedAt: this.#clock.now(),
      release: () => {
        if (released) return;
        released = true;
        this.#held.delete(permit);
        const next = this.#waiters.shift();
        if (next !== undefined) next.grant(this.#grant());
      },
    };
    this.#held.add(permit);
    return permit;
  }
}
