/**
 * Where retry budgets in several processes share one token count (`RedisSharedStore` in
 * `holdfast/ioredis`, `MemorySharedBudgetStore` for one process and tests). The methods carry
 * a `Budget` suffix so that one store object can serve breakers (`SharedBreakerStore`) and
 * budgets at once. A store that cannot answer rejects: the budget then keeps to its local count
 * and reports `shared-store-failed`.
 */
export interface SharedBudgetStore {
  /**
   * Atomically adds `delta` to the token count of `key` (a missing or expired key counts as a
   * full bucket, `maxTokens`), clamps the result to [0, `maxTokens`], keeps it for `ttlMs`
   * more, and returns it: one round trip both writes and reads.
   */
  applyBudget(key: string, delta: number, maxTokens: number, ttlMs: number): Promise<number>;
  /** The token count of `key`; undefined when no budget has written it within its TTL (full). */
  readBudget(key: string): Promise<number | undefined>;
}
