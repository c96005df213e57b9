import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import { fatal } from '../classify/Classification.js';
import type { CircuitOpenError } from '../errors/CircuitOpenError.js';
import { assertNever } from '../internal/assertNever.js';
import type { TimerHandle } from '../internal/Clock.js';
import { abortReason } from '../internal/sleep.js';
import type { CircuitBreakerHook, CircuitTicket } from '../retry/hooks.js';
import type { CircuitEvent } from './CircuitEvent.js';
import {
  type CircuitBreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
} from './CircuitBreakerOptions.js';
import {
  type CircuitChangeSource,
  type CircuitOpenReason,
  type CircuitState,
  closedCircuit,
  isAllowedCircuitTransition,
} from './CircuitState.js';
import type { SharedCircuitState } from './SharedBreakerStore.js';
import { unref } from '../internal/unref.js';
import { SharedCircuitLink, type SharedVia } from './SharedCircuitLink.js';
import { circuitOpenError } from './circuitOpenError.js';
import { BreakerTicket, type Settle } from './BreakerTicket.js';

const aborted = fatal('aborted by the caller, which says nothing about the target');

/**
 * Stops calling a target that keeps failing, then lets a few probes test it (closed -> open ->
 * half-open -> closed). Only errors the classifier calls transient or throttled count; a fatal
 * error (bad password, syntax error) says nothing about the target's health. `isolate()` holds it
 * open until `reset()`. With `shared`, breakers in several processes share one state.
 *
 * Implements the retry loop's `CircuitBreakerHook`: pass it as `circuitBreaker` to a
 * `RetryHandler` or `ConnectionManager`, or call `execute` directly.
 *
 * @example
 * const breaker = new CircuitBreaker({ name: 'mysql-main', breakDurationMs: 5000 });
 * breaker.state$.subscribe((state) => console.log('circuit', state.status));
 * const rows = await breaker.execute(() => pool.query('SELECT 1'));
 */
export class CircuitBreaker implements CircuitBreakerHook {
  readonly name: string;
  /** Identifies this instance in the shared store. */
  readonly instanceId: string;
  /** The state now and every change; replays the current state; completes on `dispose()`. */
  readonly state$: Observable<CircuitState>;
  /** Transitions, rejected calls and shared-store trouble, for telemetry. */
  readonly events$: Observable<CircuitEvent>;
  readonly #options: ResolvedBreakerOptions;
  readonly #states: BehaviorSubject<CircuitState>;
  readonly #events = new Subject<CircuitEvent>();
  readonly #settle: Settle = (ticket, outcome) => {
    this.#onSettle(ticket, outcome);
  };
  readonly #link: SharedCircuitLink | undefined;
  #state: CircuitState = closedCircuit;
  /** Bumped by every transition: a call admitted before it no longer moves the state. */
  #epoch = 0;
  /** Breaks since the circuit last closed: the next one lasts base * factor^opens. */
  #opens = 0;
  #probes = 0;
  /** The half-open timer; undefined when none is pending (TimerHandle is opaque). */
  #timer: TimerHandle = undefined;
  #disposed = false;

  /** @throws {ConfigurationError} an unknown, malformed or out-of-range option */
  constructor(options: CircuitBreakerOptions = {}) {
    this.#options = resolveBreakerOptions(options);
    this.name = this.#options.name;
    this.instanceId = this.#options.instanceId;
    this.#states = new BehaviorSubject<CircuitState>(closedCircuit);
    this.state$ = this.#states.asObservable();
    this.events$ = this.#events.asObservable();
    const shared = this.#options.shared;
    this.#link =
      shared === undefined
        ? undefined
        : new SharedCircuitLink(shared, this.instanceId, this.#options.clock, {
            adopt: (state, via) => {
              this.#adopt(state, via);
            },
            emit: (event) => {
              this.#events.next(event);
            },
          });
  }

  /** The current state (a snapshot). */
  get state(): CircuitState {
    return this.#state;
  }

  /**
   * Asks to make one call. Returns the ticket to report its outcome on.
   *
   * @throws {CircuitOpenError} open, isolated, or half-open with every probe in flight
   */
  acquire(): CircuitTicket {
    const clock = this.#options.clock;
    if (this.#link !== undefined) this.#link.sync(clock.now());
    const state = this.#state;
    switch (state.status) {
      case 'closed':
        return new BreakerTicket(this.#settle, this.#epoch, false, this.#startTime());
      case 'open': {
        const now = clock.now();
        if (now < state.halfOpenAt) throw this.#reject('open', state.halfOpenAt - now);
        // The timer is late (or was disposed): the break is over all the same.
        this.#halfOpen();
        return this.acquire();
      }
      case 'half-open':
        // The next state depends on a probe already in flight: no wait can be promised.
        if (this.#probes >= state.probes) throw this.#reject('half-open', 0);
        this.#probes += 1;
        return new BreakerTicket(this.#settle, this.#epoch, true, this.#startTime());
      case 'isolated':
        throw this.#reject('isolated', Number.POSITIVE_INFINITY);
      default:
        return assertNever(state);
    }
  }

  /**
   * Runs `fn` through the breaker: refused at once while open, its outcome counted otherwise.
   * An error the classifier calls fatal, or one after `signal` fired, is rethrown uncounted.
   *
   * @throws {CircuitOpenError} the breaker refused the call (`retryAfterMs` says for how long)
   * @throws {AbortedError} `signal` had fired before the call
   */
  async execute<T>(
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (signal?.aborted) throw abortReason(signal);
    const ticket = this.acquire();
    let value: T;
    try {
      value = await fn(signal);
    } catch (error) {
      const classification = signal?.aborted
        ? aborted
        : this.#options.classifier.classify(error, { attempt: 1, scope: 'execute' });
      ticket.failure(error, classification);
      throw error;
    }
    ticket.success();
    return value;
  }

  /** Holds the circuit open (every call refused) until `reset()`; shared when `shared` is set. */
  isolate(): void {
    if (this.#state.status === 'isolated') return;
    this.#isolate('local');
    this.#link?.isolated();
  }

  /** Closes the circuit from any state and forgets its counts and break growth. */
  reset(): void {
    this.#options.trip.reset();
    this.#opens = 0;
    if (this.#state.status !== 'closed') this.#close('local', false);
    this.#link?.closed(true);
  }

  /** Stops the half-open timer and the shared subscription; completes `state$` and `events$`. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#clearTimer();
    this.#link?.dispose();
    this.#states.complete();
    this.#events.complete();
  }

  #startTime(): number {
    return this.#options.slowCallMs === undefined ? 0 : this.#options.clock.now();
  }

  #onSettle(ticket: BreakerTicket, outcome: 'success' | 'failure' | 'ignored'): void {
    if (ticket.epoch !== this.#epoch) return;
    if (ticket.probe) this.#probes -= 1;
    if (outcome === 'ignored') return;
    const options = this.#options;
    // The hot path of a closed circuit under a count policy reads no clock.
    const now =
      options.slowCallMs !== undefined || options.trip.usesTime !== false ? options.clock.now() : 0;
    const slow = options.slowCallMs !== undefined && now - ticket.startedAt > options.slowCallMs;
    const failed = outcome === 'failure' || slow;
    const state = this.#state;
    if (state.status === 'half-open') {
      if (failed) this.#open('probe-failed', 'local', this.#nextBreak());
      else this.#close('local', true);
    } else if (state.status === 'closed') {
      if (!failed) {
        options.trip.success(now);
        this.#link?.success();
      } else if (options.trip.failure(now)) {
        this.#open(options.trip.name, 'local', this.#nextBreak());
      } else {
        this.#link?.failure(this.#nextBreak());
      }
    }
  }

  /** Takes a state published by another instance (or read from the store) into account. */
  #adopt(shared: SharedCircuitState, via: SharedVia): void {
    if (this.#disposed) return;
    const state = this.#state;
    switch (shared.status) {
      case 'open': {
        if (state.status === 'isolated') return;
        const halfOpenAt = this.#options.clock.now() + shared.remainingMs;
        if (state.status === 'open' && halfOpenAt <= state.halfOpenAt) return;
        // Our own origin on a state we did not open here: our failure tipped the fleet count.
        const reason = shared.origin === this.instanceId ? 'fleet-failures' : 'shared';
        this.#open(reason, 'shared', shared.remainingMs);
        return;
      }
      case 'isolated':
        if (state.status !== 'isolated') this.#isolate('shared');
        return;
      case 'closed':
        // A pushed close is news (a probe succeeded elsewhere, or a reset). A read only lifts a
        // shared isolation whose reset message was lost: an expired open key means "probe now",
        // which the local timer does.
        if (state.status === 'closed') return;
        if (
          via === 'push' ||
          (via === 'read' && state.status === 'isolated' && state.source === 'shared')
        ) {
          this.#options.trip.reset();
          this.#opens = 0;
          this.#close('shared', false);
        }
        return;
      default:
        assertNever(shared);
    }
  }

  #nextBreak(): number {
    const { breakDurationMs, breakDurationFactor, maxBreakDurationMs } = this.#options;
    return Math.min(breakDurationMs * breakDurationFactor ** this.#opens, maxBreakDurationMs);
  }

  #open(reason: CircuitOpenReason, source: CircuitChangeSource, breakDurationMs: number): void {
    const now = this.#options.clock.now();
    this.#transition({
      status: 'open',
      openedAt: now,
      halfOpenAt: now + breakDurationMs,
      breakDurationMs,
      reason,
      source,
    });
    this.#opens += 1;
    this.#options.trip.reset();
    this.#arm(breakDurationMs);
    this.#events.next({ type: 'opened', reason, breakDurationMs, source });
    if (source === 'local') this.#link?.opened(breakDurationMs);
  }

  #halfOpen(): void {
    this.#clearTimer();
    this.#transition({ status: 'half-open', probes: this.#options.halfOpenProbes });
    this.#probes = 0;
    this.#events.next({ type: 'half-opened' });
  }

  /** `publish`: a probe closed it here, so the other instances should close too. */
  #close(source: CircuitChangeSource, publish: boolean): void {
    this.#clearTimer();
    this.#transition(closedCircuit);
    this.#opens = 0;
    this.#options.trip.reset();
    this.#events.next({ type: 'closed', source });
    if (publish) this.#link?.closed(false);
  }

  #isolate(source: CircuitChangeSource): void {
    this.#clearTimer();
    this.#transition({ status: 'isolated', source });
    this.#events.next({ type: 'isolated', source });
  }

  #transition(next: CircuitState): void {
    const from = this.#state.status;
    if (!isAllowedCircuitTransition(from, next.status)) {
      throw new TypeError(
        `CircuitBreaker ${this.name}: no transition from ${from} to ${next.status}`,
      );
    }
    this.#epoch += 1;
    this.#probes = 0;
    this.#state = next;
    this.#states.next(next);
  }

  #arm(ms: number): void {
    this.#clearTimer();
    if (this.#disposed) return;
    const epoch = this.#epoch;
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#epoch === epoch && this.#state.status === 'open') this.#halfOpen();
    }, ms);
    unref(this.#timer);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #reject(status: 'open' | 'half-open' | 'isolated', retryAfterMs: number): CircuitOpenError {
    const wait = Math.max(0, Math.ceil(retryAfterMs));
    this.#events.next({ type: 'call-rejected', status, retryAfterMs: wait });
    return circuitOpenError(this.name, status, wait);
  }
}
