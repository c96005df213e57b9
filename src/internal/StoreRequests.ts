import type { Clock, TimerHandle } from './Clock.js';
import { unref } from './unref.js';

/** What a fleet-shared component reports about its store (breaker and budget events alike). */
export type StoreHealthEvent =
  | { readonly type: 'shared-store-failed'; readonly operation: string; readonly error: unknown }
  | { readonly type: 'shared-store-restored' };

/**
 * The requests of a breaker's or a budget's fleet store: each bounded by `timeoutMs` (timer
 * unref'd, cleared when the request settles), and the store's health as events — one
 * `shared-store-failed` per outage, `shared-store-restored` after it. `abandonAll()` (dispose)
 * ends every request under way at once and silences further events.
 */
export class StoreRequests {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #emit: (event: StoreHealthEvent) => void;
  readonly #abandons = new Set<(reason: Error) => void>();
  #failed = false;
  #disposed = false;

  constructor(clock: Clock, timeoutMs: number, emit: (event: StoreHealthEvent) => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#emit = emit;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Runs `call` under the timeout. Resolves with its value (reporting the store restored after
   * an outage), or rejects with its error or the timeout (reporting the outage once).
   */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let timer: TimerHandle = undefined;
    let abandon: ((reason: Error) => void) | undefined;
    try {
      const cut = new Promise<never>((_, reject) => {
        timer = this.#clock.setTimeout(() => {
          reject(
            new Error(
              `shared store ${operation} took longer than ${this.#timeoutMs} ms (raise shared.timeoutMs if the store is slow rather than unreachable)`,
            ),
          );
        }, this.#timeoutMs);
        unref(timer);
        abandon = reject;
        this.#abandons.add(reject);
      });
      const value = await Promise.race([call(), cut]);
      if (this.#failed && !this.#disposed) {
        this.#failed = false;
        this.#emit({ type: 'shared-store-restored' });
      }
      return value;
    } catch (error) {
      this.fail(operation, error);
      throw error;
    } finally {
      if (abandon !== undefined) this.#abandons.delete(abandon);
      this.#clock.clearTimeout(timer);
    }
  }

  /** A failure outside `run` (a subscription's error): reported like one, once per outage. */
  fail(operation: string, error: unknown): void {
    if (this.#disposed || this.#failed) return;
    this.#failed = true;
    this.#emit({ type: 'shared-store-failed', operation, error });
  }

  /** Ends the requests under way (their timers too) and reports nothing more. */
  abandonAll(): void {
    this.#disposed = true;
    const reason = new Error('the shared store link was disposed');
    for (const abandon of [...this.#abandons]) abandon(reason);
  }
}
