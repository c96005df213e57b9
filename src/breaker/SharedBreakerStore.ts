/**
 * The state of one breaker as every process sharing a store sees it.
 * - `closed`: nobody holds it open; `failures` counts the fleet's failures since the last success.
 * - `open`: for `remainingMs` more (the key's TTL in the store, so no process clock is trusted).
 * - `isolated`: held open by an operator's `isolate()` until some process calls `reset()`.
 */
export type SharedCircuitState =
  | { readonly status: 'closed'; readonly failures: number }
  | {
      readonly status: 'open';
      readonly remainingMs: number;
      readonly breakDurationMs: number;
      /** The breaker instance that opened it (`CircuitBreaker#instanceId`). */
      readonly origin: string;
    }
  | { readonly status: 'isolated'; readonly origin: string };

/** A change published by one breaker instance to the others. */
export interface SharedCircuitChange {
  readonly key: string;
  readonly state: SharedCircuitState;
  /** The instance that made the change (a breaker ignores its own). */
  readonly origin: string;
}

/** Options of `SharedBreakerStore#recordFailure`. */
export interface SharedFailureOptions {
  /** Fleet failures (no success between) within `windowMs` that open the circuit for all. */
  readonly threshold: number;
  /** The fleet's failure count expires this long after its first failure, ms. */
  readonly windowMs: number;
  /** How long the circuit stays open when this failure trips it, ms. */
  readonly breakDurationMs: number;
  readonly origin: string;
}

/**
 * Where breakers in several processes share their state (`RedisSharedStore` in
 * `holdfast/ioredis`, `MemorySharedBreakerStore` for one process and tests). Every operation
 * is atomic in the store; every write returns the state that resulted, so one round trip both
 * writes and reads. A store that cannot answer rejects: the breaker then keeps to its local
 * state and reports `shared-store-failed`.
 */
export interface SharedBreakerStore {
  /** The current shared state of `key`. */
  read(key: string): Promise<SharedCircuitState>;
  /**
   * Opens `key` for `breakDurationMs` unless it is isolated or already open for longer, and
   * tells the subscribers. Resets the fleet failure count.
   */
  open(key: string, breakDurationMs: number, origin: string): Promise<SharedCircuitState>;
  /** Isolates `key` (no TTL) and tells the subscribers. */
  isolate(key: string, origin: string): Promise<SharedCircuitState>;
  /**
   * Closes `key` and tells the subscribers. `force: false` (a probe succeeded) leaves an
   * isolation in place; `force: true` (`reset()`) lifts it too.
   */
  close(key: string, origin: string, force: boolean): Promise<SharedCircuitState>;
  /** Counts one failure of the fleet; opens `key` when the count reaches the threshold. */
  recordFailure(key: string, options: SharedFailureOptions): Promise<SharedCircuitState>;
  /** A call succeeded: the fleet's failure count starts again. */
  recordSuccess(key: string): Promise<void>;
  /**
   * Push: calls `listener` for every change another instance publishes (any key). Optional: a
   * store without it is read on `acquire()` once the cached copy is `syncIntervalMs` old.
   * Returns the function that unsubscribes.
   */
  subscribe?(
    listener: (change: SharedCircuitChange) => void,
    onError?: (error: unknown) => void,
  ): () => void;
}
