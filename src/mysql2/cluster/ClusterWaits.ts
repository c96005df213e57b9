import type { Clock, TimerHandle } from '../../internal/Clock.js';

/**
 * The calls of a pool cluster that found no node to take them, waiting for a change (a node
 * connecting, a role answered), and the role checks that run while a write waits for a primary:
 * a promotion tells the clients nothing, so the nodes are asked again every `intervalMs`.
 */
export class ClusterWaits {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #askRoles: () => void;
  readonly #wakers = new Set<() => void>();
  #primaryWaiters = 0;
  #roleTimer: TimerHandle;

  constructor(clock: Clock, intervalMs: number, askRoles: () => void) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#askRoles = askRoles;
  }

  /**
   * Resolves at the next change, after `ms`, or when `signal` fires. A write (`wantsPrimary`)
   * has the roles asked at once and every interval until it is woken.
   */
  next(ms: number, wantsPrimary: boolean, signal?: AbortSignal): Promise<void> {
    const clock = this.#clock;
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.#wakers.delete(wake);
        clock.clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        if (wantsPrimary) {
          this.#primaryWaiters -= 1;
          if (this.#primaryWaiters === 0) this.stopRoleChecks();
        }
        resolve();
      };
      this.#wakers.add(wake);
      const timer = clock.setTimeout(wake, ms);
      signal?.addEventListener('abort', wake, { once: true });
      if (wantsPrimary) {
        this.#primaryWaiters += 1;
        if (this.#roleTimer === undefined) this.#checkRoles();
      }
    });
  }

  /** Something changed: every waiting call looks again. */
  wakeAll(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  stopRoleChecks(): void {
    if (this.#roleTimer !== undefined) this.#clock.clearTimeout(this.#roleTimer);
    this.#roleTimer = undefined;
  }

  #checkRoles(): void {
    this.#askRoles();
    this.#roleTimer = this.#clock.setTimeout(() => {
      this.#checkRoles();
    }, this.#intervalMs);
  }
}
