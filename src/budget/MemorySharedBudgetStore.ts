import { type Clock, systemClock } from '../internal/Clock.js';
import type { SharedBudgetStore } from './SharedBudgetStore.js';

/**
 * A `SharedBudgetStore` in this process's memory, with the same semantics as
 * `RedisSharedStore` (clamp to [0, maxTokens], TTL refreshed by every write). For several
 * budgets in one process, and for tests with fake time.
 *
 * @example
 * const store = new MemorySharedBudgetStore();
 * const a = new RetryBudget({ shared: { store, key: 'mysql-main' } });
 * const b = new RetryBudget({ shared: { store, key: 'mysql-main' } });
 */
export class MemorySharedBudgetStore implements SharedBudgetStore {
  readonly #clock: Clock;
  readonly #entries = new Map<string, { tokens: number; until: number }>();

  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  applyBudget(key: string, delta: number, maxTokens: number, ttlMs: number): Promise<number> {
    const tokens = Math.min(Math.max((this.#tokens(key) ?? maxTokens) + delta, 0), maxTokens);
    this.#entries.set(key, { tokens, until: this.#clock.now() + ttlMs });
    return Promise.resolve(tokens);
  }

  readBudget(key: string): Promise<number | undefined> {
    return Promise.resolve(this.#tokens(key));
  }

  /** The count of `key`, or undefined once its TTL passed (as Redis expires a key). */
  #tokens(key: string): number | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.tokens;
  }
}
