import type { Cluster, Redis } from 'ioredis';
import type {
  SharedBreakerStore,
  SharedCircuitChange,
  SharedCircuitState,
  SharedFailureOptions,
} from '../../breaker/SharedBreakerStore.js';
import type { SharedBudgetStore } from '../../budget/SharedBudgetStore.js';
import { safeInvoke } from '../../internal/safeInvoke.js';
import {
  closeScript,
  isolateScript,
  openScript,
  readScript,
  recordFailureScript,
} from './sharedBreakerScripts.js';
import { applyBudgetScript } from './sharedBudgetScripts.js';

export interface RedisSharedStoreOptions {
  /**
   * The client the scripts run on: a holdfast client (`createRedisClient`, `createRedisCluster`),
   * or a plain ioredis `Redis` or `Cluster` with `enableOfflineQueue: false` and a
   * `commandTimeout`. Either way each request is bounded by the breaker's or budget's
   * `shared.timeoutMs`, after which it falls back to local state.
   */
  readonly client: Redis | Cluster;
  /** Prefix of every key and of the channel; use one per service. @default 'holdfast:' */
  readonly prefix?: string;
  /**
   * The connection that listens for changes (pub/sub needs its own). `false`: no push, changes
   * are read on `acquire()` every `syncIntervalMs`. @default client.duplicate(), made on first use
   */
  readonly subscriber?: Redis | Cluster | false;
}

type Reply = readonly (string | number)[];
type Scripted = Record<(typeof commands)[number], (...args: (string | number)[]) => Promise<Reply>>;
type BudgetScripted = {
  holdfastBudgetApply(
    key: string,
    delta: number,
    maxTokens: number,
    ttlMs: number,
  ): Promise<string>;
};
type Listener = {
  readonly onChange: (change: SharedCircuitChange) => void;
  readonly onError: ((error: unknown) => void) | undefined;
};

const commands = [
  'holdfastCircuitRead',
  'holdfastCircuitOpen',
  'holdfastCircuitIsolate',
  'holdfastCircuitClose',
  'holdfastCircuitFailure',
] as const;
const scripts = [readScript, openScript, isolateScript, closeScript, recordFailureScript];

/**
 * A `SharedBreakerStore` and `SharedBudgetStore` in Redis: every operation is one atomic Lua
 * script (one round trip), an open breaker is a hash whose TTL is the break (no process clock
 * is trusted), and every change is published on `<prefix>circuit-changes` so the other
 * processes follow at once. A breaker's two keys, `<prefix>{<key>}:state` and
 * `<prefix>{<key>}:failures`, share a hash tag, so that on a Redis Cluster they live in one slot
 * and its scripts run there (a script may only touch keys of one slot). A budget is one key,
 * `<prefix><key>:budget`, with a TTL.
 *
 * @example
 * const store = new RedisSharedStore({ client: new Redis({ enableOfflineQueue: false }) });
 * const breaker = new CircuitBreaker({ name: 'mysql-main', shared: { store } });
 * const budget = new RetryBudget({ name: 'mysql-main', shared: { store } });
 */
export class RedisSharedStore implements SharedBreakerStore, SharedBudgetStore {
  readonly prefix: string;
  readonly channel: string;
  readonly #client: Scripted & Redis;
  readonly #listeners = new Set<Listener>();
  #subscriber: Redis | false | undefined;
  #ownsSubscriber = false;
  #attached = false;

  constructor(options: RedisSharedStoreOptions) {
    this.prefix = options.prefix ?? 'holdfast:';
    this.channel = `${this.prefix}circuit-changes`;
    // A Cluster has every member the store uses (scripts, GET/DEL, pub/sub, duplicate()) under the
    // same names as a Redis; it is handled as one.
    this.#subscriber = options.subscriber as Redis | false | undefined;
    const client = options.client as Scripted & Redis;
    commands.forEach((name, index) => {
      if (typeof (client as Partial<Scripted>)[name] !== 'function') {
        client.defineCommand(name, { numberOfKeys: 2, lua: scripts[index] ?? '' });
      }
    });
    this.#client = client;
  }

  async read(key: string): Promise<SharedCircuitState> {
    return parse(await this.#client.holdfastCircuitRead(...this.#keys(key)));
  }

  async open(key: string, breakDurationMs: number, origin: string): Promise<SharedCircuitState> {
    const ms = Math.max(1, Math.ceil(breakDurationMs));
    const keys = this.#keys(key);
    return parse(await this.#client.holdfastCircuitOpen(...keys, ms, origin, this.channel, key));
  }

  async isolate(key: string, origin: string): Promise<SharedCircuitState> {
    const keys = this.#keys(key);
    return parse(await this.#client.holdfastCircuitIsolate(...keys, origin, this.channel, key));
  }

  async close(key: string, origin: string, force: boolean): Promise<SharedCircuitState> {
    const keys = this.#keys(key);
    const flag = force ? '1' : '0';
    return parse(await this.#client.holdfastCircuitClose(...keys, flag, origin, this.channel, key));
  }

  async recordFailure(key: string, options: SharedFailureOptions): Promise<SharedCircuitState> {
    const reply = await this.#client.holdfastCircuitFailure(
      ...this.#keys(key),
      options.threshold,
      Math.max(1, Math.ceil(options.windowMs)),
      Math.max(1, Math.ceil(options.breakDurationMs)),
      options.origin,
      this.channel,
      key,
    );
    return parse(reply);
  }

  async recordSuccess(key: string): Promise<void> {
    await this.#client.del(this.#keys(key)[1]);
  }

  async applyBudget(key: string, delta: number, maxTokens: number, ttlMs: number): Promise<number> {
    const client = this.#budgetClient();
    const ms = Math.max(1, Math.ceil(ttlMs));
    return Number(await client.holdfastBudgetApply(this.budgetKeyOf(key), delta, maxTokens, ms));
  }

  async readBudget(key: string): Promise<number | undefined> {
    const value = await this.#client.get(this.budgetKeyOf(key));
    return value === null ? undefined : Number(value);
  }

  /** The Redis key of the budget `key`. */
  budgetKeyOf(key: string): string {
    return `${this.prefix}${key}:budget`;
  }

  subscribe(
    onChange: (change: SharedCircuitChange) => void,
    onError?: (error: unknown) => void,
  ): () => void {
    const listener: Listener = { onChange, onError };
    this.#listeners.add(listener);
    const subscriber = this.#subscriberConnection();
    if (subscriber !== false && this.#listeners.size === 1) {
      subscriber.subscribe(this.channel).catch((error: unknown) => {
        safeInvoke(() => onError?.(error));
      });
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      // The last breaker left: a connection of ours must not keep the process alive.
      void this.#release();
    };
  }

  /**
   * Stops listening and closes the subscriber connection this store made (the client, and a
   * subscriber you passed, stay yours). Disposing every breaker that uses the store does the same.
   */
  async dispose(): Promise<void> {
    this.#listeners.clear();
    await this.#release();
  }

  async #release(): Promise<void> {
    const subscriber = this.#subscriber;
    if (subscriber === undefined || subscriber === false || !this.#attached) return;
    this.#attached = false;
    subscriber.removeListener('message', this.#onMessage);
    if (this.#ownsSubscriber) {
      subscriber.removeListener('error', this.#onError);
      subscriber.disconnect();
      this.#subscriber = undefined;
      this.#ownsSubscriber = false;
      return;
    }
    await subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  /** The Redis keys of `key`: the state hash and the fleet failure counter. */
  keysOf(key: string): readonly [string, string] {
    return this.#keys(key);
  }

  /** Defined on first use, so a client that only serves breakers gets no budget script. */
  #budgetClient(): BudgetScripted {
    const client = this.#client as Redis & Partial<BudgetScripted>;
    if (typeof client.holdfastBudgetApply !== 'function') {
      client.defineCommand('holdfastBudgetApply', { numberOfKeys: 1, lua: applyBudgetScript });
    }
    return client as unknown as BudgetScripted;
  }

  #keys(key: string): [string, string] {
    // The hash tag: one slot for both (everything before the `}` is common to the two names).
    return [`${this.prefix}{${key}}:state`, `${this.prefix}{${key}}:failures`];
  }

  #subscriberConnection(): Redis | false {
    if (this.#subscriber === false) return false;
    if (this.#subscriber === undefined) {
      this.#subscriber = this.#client.duplicate();
      this.#ownsSubscriber = true;
    }
    const subscriber = this.#subscriber;
    if (this.#attached) return subscriber;
    this.#attached = true;
    subscriber.on('message', this.#onMessage);
    // Without a listener an 'error' event would be thrown; the breakers hear of it instead.
    if (this.#ownsSubscriber) subscriber.on('error', this.#onError);
    return subscriber;
  }

  readonly #onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return;
    const change = parseChange(message);
    if (change === undefined) return;
    for (const listener of [...this.#listeners]) {
      safeInvoke(() => {
        listener.onChange(change);
      });
    }
  };

  readonly #onError = (error: unknown): void => {
    for (const listener of [...this.#listeners]) safeInvoke(() => listener.onError?.(error));
  };
}

/** Turns a script reply into a state; an unexpected shape is a bug in the script: say so. */
export function parse(reply: Reply): SharedCircuitState {
  const [status, a, b, c] = reply.map(String);
  switch (status) {
    case 'closed':
      return { status: 'closed', failures: Number(a ?? 0) };
    case 'open':
      return {
        status: 'open',
        remainingMs: Number(a ?? 0),
        breakDurationMs: Number(b ?? 0),
        origin: c ?? '',
      };
    case 'isolated':
      return { status: 'isolated', origin: a ?? '' };
    default:
      throw new TypeError(`RedisSharedStore: unexpected script reply ${JSON.stringify(reply)}`);
  }
}

function parseChange(message: string): SharedCircuitChange | undefined {
  try {
    const value = JSON.parse(message) as { key?: unknown; origin?: unknown; state?: unknown };
    if (typeof value.key !== 'string' || typeof value.origin !== 'string') return undefined;
    if (!Array.isArray(value.state)) return undefined;
    return { key: value.key, origin: value.origin, state: parse(value.state as Reply) };
  } catch {
    // Someone else published on our channel: not ours to read.
    return undefined;
  }
}
