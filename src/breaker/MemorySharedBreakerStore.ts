import { type Clock, systemClock } from '../internal/Clock.js';
import { safeInvoke } from '../internal/safeInvoke.js';
import type {
  SharedBreakerStore,
  SharedCircuitChange,
  SharedCircuitState,
  SharedFailureOptions,
} from './SharedBreakerStore.js';

type Entry =
  | { status: 'open'; until: number; breakDurationMs: number; origin: string }
  | { status: 'isolated'; origin: string };

/**
 * A `SharedBreakerStore` in this process's memory, with the same semantics as
 * `RedisSharedStore` (TTL on open, fleet failure window, publish on change; changes reach the
 * subscribers in a microtask, as a pub/sub message would arrive later than the write).
 * For several breakers in one process, and for tests with fake time.
 *
 * @example
 * const store = new MemorySharedBreakerStore();
 * const a = new CircuitBreaker({ shared: { store, key: 'mysql-main' } });
 * const b = new CircuitBreaker({ shared: { store, key: 'mysql-main' } });
 */
export class MemorySharedBreakerStore implements SharedBreakerStore {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #failures = new Map<string, { count: number; until: number }>();
  readonly #listeners = new Set<(change: SharedCircuitChange) => void>();

  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  read(key: string): Promise<SharedCircuitState> {
    return Promise.resolve(this.#state(key));
  }

  open(key: string, breakDurationMs: number, origin: string): Promise<SharedCircuitState> {
    return Promise.resolve(this.#open(key, breakDurationMs, origin));
  }

  isolate(key: string, origin: string): Promise<SharedCircuitState> {
    this.#entries.set(key, { status: 'isolated', origin });
    this.#failures.delete(key);
    return Promise.resolve(this.#publish(key, origin));
  }

  close(key: string, origin: string, force: boolean): Promise<SharedCircuitState> {
    const entry = this.#entry(key);
    if (entry?.status === 'isolated' && !force) return Promise.resolve(this.#state(key));
    this.#entries.delete(key);
    this.#failures.delete(key);
    return Promise.resolve(this.#publish(key, origin));
  }

  recordFailure(key: string, options: SharedFailureOptions): Promise<SharedCircuitState> {
    if (this.#entry(key) !== undefined) return Promise.resolve(this.#state(key));
    const now = this.#clock.now();
    const current = this.#failures.get(key);
    const counter =
      current !== undefined && current.until > now
        ? current
        : { count: 0, until: now + options.windowMs };
    counter.count += 1;
    this.#failures.set(key, counter);
    if (counter.count >= options.threshold) {
      return Promise.resolve(this.#open(key, options.breakDurationMs, options.origin));
    }
    return Promise.resolve(this.#state(key));
  }

  recordSuccess(key: string): Promise<void> {
    this.#failures.delete(key);
    return Promise.resolve();
  }

  subscribe(listener: (change: SharedCircuitChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #open(key: string, breakDurationMs: number, origin: string): SharedCircuitState {
    const entry = this.#entry(key);
    const now = this.#clock.now();
    if (entry?.status === 'isolated') return this.#state(key);
    if (entry?.status === 'open' && entry.until - now >= breakDurationMs) return this.#state(key);
    this.#entries.set(key, {
      status: 'open',
      until: now + breakDurationMs,
      breakDurationMs,
      origin,
    });
    this.#failures.delete(key);
    return this.#publish(key, origin);
  }

  /** The entry of `key`, or undefined once its TTL passed (as Redis expires a key). */
  #entry(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.status === 'open' && entry.until <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #state(key: string): SharedCircuitState {
    const entry = this.#entry(key);
    if (entry === undefined) {
      const failures = this.#failures.get(key);
      const live = failures !== undefined && failures.until > this.#clock.now();
      return { status: 'closed', failures: live ? failures.count : 0 };
    }
    if (entry.status === 'isolated') return { status: 'isolated', origin: entry.origin };
    return {
      status: 'open',
      remainingMs: entry.until - this.#clock.now(),
      breakDurationMs: entry.breakDurationMs,
      origin: entry.origin,
    };
  }

  #publish(key: string, origin: string): SharedCircuitState {
    const state = this.#state(key);
    const change: SharedCircuitChange = { key, state, origin };
    for (const listener of [...this.#listeners]) {
      queueMicrotask(() => {
        safeInvoke(() => {
          listener(change);
        });
      });
    }
    return state;
  }
}
