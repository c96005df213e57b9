import { StoreRequests } from '../internal/StoreRequests.js';
import { unref } from '../internal/unref.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import type { Clock, TimerHandle } from '../internal/Clock.js';
import { expectFiniteNumber, rejectUnknownKeys } from '../internal/validate.js';
import type { RetryBudgetEvent } from './RetryBudgetEvent.js';
import type { SharedBudgetStore } from './SharedBudgetStore.js';

/** How a retry budget shares its success-funded bucket with the budgets of other processes. */
export interface SharedBudgetOptions {
  /** Where the count lives: `RedisSharedStore` (holdfast/ioredis) or `MemorySharedBudgetStore`. */
  readonly store: SharedBudgetStore;
  /** The budget's name in the store; budgets with the same key share one bucket. @default name */
  readonly key?: string;
  /**
   * How often the local count is written to and refreshed from the store, ms. A spend is also
   * sent at once when no request is in flight. @default 100
   */
  readonly syncIntervalMs?: number;
  /** The shared count is forgotten (the bucket is full again) this long after the last write, ms. @default 60000 */
  readonly ttlMs?: number;
  /** A store request that takes longer counts as failed (the local count carries on), ms. @default 1000 */
  readonly timeoutMs?: number;
}

/** The shared options with every default applied. */
export interface ResolvedSharedBudgetOptions {
  readonly store: SharedBudgetStore;
  readonly key: string;
  readonly syncIntervalMs: number;
  readonly ttlMs: number;
  readonly timeoutMs: number;
}

const sharedKeys = ['store', 'key', 'syncIntervalMs', 'ttlMs', 'timeoutMs'];

/**
 * Applies the defaults and validates eagerly.
 *
 * @throws {ConfigurationError} an unknown, malformed or out-of-range option
 */
export function resolveSharedBudget(
  shared: SharedBudgetOptions,
  name: string,
): ResolvedSharedBudgetOptions {
  const given: unknown = shared; // plain JavaScript may pass anything
  if (typeof given !== 'object' || given === null) {
    throw new ConfigurationError('Expected `shared` to be an object ({ store, key? }).', {
      option: 'shared',
    });
  }
  rejectUnknownKeys(shared, sharedKeys, 'RetryBudget options `shared`');
  const store = shared.store as Partial<SharedBudgetStore> | undefined;
  if (typeof store !== 'object' || typeof store.applyBudget !== 'function') {
    throw new ConfigurationError(
      'Expected `shared.store` to be a SharedBudgetStore (e.g. new RedisSharedStore({ client })).',
      { option: 'shared.store' },
    );
  }
  const key = shared.key ?? name;
  if (typeof key !== 'string' || key === '') {
    throw new ConfigurationError('Expected `shared.key` to be a non-empty string.', {
      option: 'shared.key',
    });
  }
  return {
    store: shared.store,
    key,
    syncIntervalMs: expectFiniteNumber('shared.syncIntervalMs', shared.syncIntervalMs ?? 100, 1),
    ttlMs: expectFiniteNumber('shared.ttlMs', shared.ttlMs ?? 60_000, 1),
    timeoutMs: expectFiniteNumber('shared.timeoutMs', shared.timeoutMs ?? 1000, 1),
  };
}

/** What the link needs from its budget. */
export interface SharedBudgetHost {
  /** The fleet's count, with this process's changes not yet sent already applied. */
  adopt(tokens: number): void;
  emit(event: RetryBudgetEvent): void;
}

/**
 * The budget's side of the shared store. Decisions stay local and synchronous: the budget
 * applies each spend and refill to its own count at once and tells the link, which adds them
 * up and sends the sum in the background (at most one request in flight: at once after a
 * spend, else every `syncIntervalMs`). The store's answer becomes the local count, minus what
 * accrued meanwhile. When the store fails, the sum is kept (within ±maxTokens, as the store
 * clamps anyway) and sent again on the next interval; one `shared-store-failed` per outage.
 */
export class SharedBudgetLink {
  readonly #options: ResolvedSharedBudgetOptions;
  readonly #maxTokens: number;
  readonly #clock: Clock;
  readonly #host: SharedBudgetHost;
  /** Changes made here and not yet in the store. */
  #pending = 0;
  #inFlight = false;
  /** A spend happened while a request was in flight: send again as soon as it ends. */
  #spentMeanwhile = false;
  readonly #requests: StoreRequests;
  #timer: TimerHandle = undefined;

  constructor(
    options: ResolvedSharedBudgetOptions,
    maxTokens: number,
    clock: Clock,
    host: SharedBudgetHost,
  ) {
    this.#options = options;
    this.#maxTokens = maxTokens;
    this.#clock = clock;
    this.#host = host;
    this.#requests = new StoreRequests(clock, options.timeoutMs, (event) => {
      host.emit(event);
    });
    // The first sync waits one interval: a client just made has had time to connect.
    this.#schedule();
  }

  spent(cost: number): void {
    this.#add(-cost);
    if (this.#inFlight) this.#spentMeanwhile = true;
    else this.#flush();
  }

  refilled(tokens: number): void {
    this.#add(tokens);
  }

  /** Stops the timer; a late answer is ignored. The budget goes on with its local count. */
  dispose(): void {
    this.#requests.abandonAll();
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #add(delta: number): void {
    const max = this.#maxTokens;
    this.#pending = Math.min(Math.max(this.#pending + delta, -max), max);
  }

  #schedule(): void {
    if (this.#requests.disposed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#flush();
      this.#schedule();
    }, this.#options.syncIntervalMs);
    unref(this.#timer);
  }

  #flush(): void {
    if (this.#inFlight || this.#requests.disposed) return;
    this.#inFlight = true;
    this.#spentMeanwhile = false;
    const sent = this.#pending;
    this.#pending = 0;
    void this.#send(sent).then((ok) => {
      this.#inFlight = false;
      if (ok && this.#spentMeanwhile) this.#flush();
    });
  }

  async #send(delta: number): Promise<boolean> {
    const { store, key, ttlMs } = this.#options;
    try {
      const tokens = await this.#requests.run('applyBudget', async () => {
        const answer = await store.applyBudget(key, delta, this.#maxTokens, ttlMs);
        if (typeof answer !== 'number' || !Number.isFinite(answer)) {
          throw new TypeError(`shared budget store answered ${String(answer)}, not a token count`);
        }
        return answer;
      });
      if (this.#requests.disposed) return false;
      this.#host.adopt(tokens + this.#pending);
      return true;
    } catch {
      // Not applied as far as we know: send it again with the next request.
      this.#add(delta);
      return false;
    }
  }
}
