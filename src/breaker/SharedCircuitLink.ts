import type { Clock } from '../internal/Clock.js';
import { safeInvoke } from '../internal/safeInvoke.js';
import { StoreRequests } from '../internal/StoreRequests.js';
import type { CircuitEvent } from './CircuitEvent.js';
import type { ResolvedSharedOptions } from './CircuitBreakerOptions.js';
import type { SharedCircuitState } from './SharedBreakerStore.js';

/**
 * How a shared state reached the breaker. `push`: another instance published a change.
 * `read`: a periodic read (only escalates, see `CircuitBreaker#adopt`). `write`: the answer to
 * this instance's own write.
 */
export type SharedVia = 'push' | 'read' | 'write';

/** What the link needs from its breaker. */
export interface SharedCircuitHost {
  adopt(state: SharedCircuitState, via: SharedVia): void;
  emit(event: CircuitEvent): void;
}

/**
 * The breaker's side of the shared store: background reads when the cached copy is stale,
 * writes of this instance's transitions, pushed changes, and the fallback to local state when
 * the store fails (one `shared-store-failed` per outage, `shared-store-restored` after).
 * Nothing here ever blocks or fails a call: the breaker decides on its local state.
 */
export class SharedCircuitLink {
  readonly #options: ResolvedSharedOptions;
  readonly #origin: string;
  readonly #clock: Clock;
  readonly #host: SharedCircuitHost;
  readonly #unsubscribe: (() => void) | undefined;
  #lastSync = Number.NEGATIVE_INFINITY;
  #reading = false;
  readonly #requests: StoreRequests;
  /** This instance reported fleet failures that a success should clear. */
  #owesSuccess = false;

  constructor(
    options: ResolvedSharedOptions,
    origin: string,
    clock: Clock,
    host: SharedCircuitHost,
  ) {
    this.#options = options;
    this.#origin = origin;
    this.#clock = clock;
    this.#host = host;
    this.#requests = new StoreRequests(clock, options.timeoutMs, (event) => {
      host.emit(event);
    });
    const store = options.store;
    this.#unsubscribe = store.subscribe?.(
      (change) => {
        if (this.#requests.disposed || change.key !== options.key || change.origin === origin) {
          return;
        }
        this.#host.adopt(change.state, 'push');
      },
      (error) => {
        this.#requests.fail('subscribe', error);
      },
    );
  }

  /** Called by `acquire()`: refreshes the cached copy in the background when it is stale. */
  sync(nowMs: number): void {
    if (this.#reading || nowMs - this.#lastSync < this.#options.syncIntervalMs) return;
    this.#lastSync = nowMs;
    this.#reading = true;
    void this.#run('read', () => this.#options.store.read(this.#options.key), 'read').finally(
      () => {
        this.#reading = false;
      },
    );
  }

  opened(breakDurationMs: number): void {
    void this.#run(
      'open',
      () => this.#options.store.open(this.#options.key, breakDurationMs, this.#origin),
      'write',
    );
  }

  isolated(): void {
    void this.#run(
      'isolate',
      () => this.#options.store.isolate(this.#options.key, this.#origin),
      'write',
    );
  }

  closed(force: boolean): void {
    this.#owesSuccess = false;
    void this.#run(
      'close',
      () => this.#options.store.close(this.#options.key, this.#origin, force),
      'write',
    );
  }

  /** A counted failure while closed: feeds the fleet count when one is configured. */
  failure(breakDurationMs: number): void {
    const threshold = this.#options.fleetFailureThreshold;
    if (threshold === undefined) return;
    this.#owesSuccess = true;
    const options = {
      threshold,
      windowMs: this.#options.fleetWindowMs,
      breakDurationMs,
      origin: this.#origin,
    };
    void this.#run(
      'recordFailure',
      () => this.#options.store.recordFailure(this.#options.key, options),
      'write',
    );
  }

  /** A success while closed: clears the fleet count once after this instance's failures. */
  success(): void {
    if (!this.#owesSuccess) return;
    this.#owesSuccess = false;
    void this.#run(
      'recordSuccess',
      () => this.#options.store.recordSuccess(this.#options.key),
      undefined,
    );
  }

  dispose(): void {
    this.#requests.abandonAll();
    safeInvoke(() => this.#unsubscribe?.());
  }

  async #run<T extends SharedCircuitState | void>(
    operation: string,
    call: () => Promise<T>,
    via: SharedVia | undefined,
  ): Promise<void> {
    let state: T;
    try {
      state = await this.#requests.run(operation, call);
    } catch {
      return; // reported by StoreRequests; the breaker goes on with its local state
    }
    if (this.#requests.disposed) return;
    this.#lastSync = this.#clock.now();
    if (via !== undefined && state !== undefined) this.#host.adopt(state, via);
  }
}
