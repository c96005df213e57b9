import { type Observable, Subject } from 'rxjs';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { expectFiniteNumber, rejectUnknownKeys } from '../internal/validate.js';
import type { RetryBudgetHook } from '../retry/hooks.js';
import type { RetryBudgetEvent, RetryKind } from './RetryBudgetEvent.js';
import {
  SharedBudgetLink,
  type SharedBudgetOptions,
  resolveSharedBudget,
} from './SharedBudgetLink.js';

/** Options of a `RetryBudget`. See docs/concepts/circuit-breaker-and-budget.md for the defaults. */
export interface RetryBudgetOptions {
  /** Names the budget in telemetry. @default 'retry-budget' */
  readonly name?: string;
  /**
   * Size of the success-funded bucket. It starts full and retries draw on it while it stays at
   * or above half, so `maxTokens / 2` retries can follow a quiet, healthy spell. @default 10
   */
  readonly maxTokens?: number;
  /** Tokens each success puts back: the steady share of retries per success. @default 0.1 */
  readonly tokenRatio?: number;
  /**
   * Retries per second allowed even with no successes at all (a reserve that refills at this
   * rate and holds one second's worth), so a quiet process can still retry. @default 10
   */
  readonly minRetriesPerSecond?: number;
  /**
   * Tokens one retry costs by the kind of error. A throttled error is a cheap, early refusal by
   * the server and its retry already waits `throttledDelayFactor` times longer, so it costs
   * less than a transient one (a timeout or dropped connection that tied a connection up).
   * @default { transient: 1, throttled: 0.5 }
   */
  readonly costs?: { readonly transient?: number; readonly throttled?: number };
  /**
   * Share the success-funded bucket with the budgets of other processes (same store and key).
   * Decisions stay local and synchronous; the count is synced in the background. The reserve
   * (`minRetriesPerSecond`) stays per process. Call `dispose()` to stop the sync timer. Off when absent.
   */
  readonly shared?: SharedBudgetOptions;
  readonly clock?: Clock;
}

/** What the budget holds now and has done so far (for gauges and tests). */
export interface RetryBudgetSnapshot {
  readonly tokens: number;
  readonly reserve: number;
  readonly exhausted: boolean;
  readonly retriesAllowed: number;
  readonly retriesDenied: number;
  readonly successes: number;
}

const keys = ['name', 'maxTokens', 'tokenRatio', 'minRetriesPerSecond', 'costs', 'shared', 'clock'];
/** Float sums of 0.1 drift; a retry is never refused for a rounding error. */
const epsilon = 1e-9;

/**
 * Limits retries to a share of successes, so a fleet of retrying callers cannot multiply the
 * load on a target that is already failing (gRPC retry throttling, Finagle's RetryBudget).
 * A first attempt is never asked about; each retry costs tokens from a bucket funded by
 * successes (allowed while it stays at or above half of `maxTokens`), else from a reserve that
 * refills at `minRetriesPerSecond`. Over any window of T seconds with S successes, retries cost
 * at most `tokenRatio * S + minRetriesPerSecond * T + maxTokens / 2 + minRetriesPerSecond`.
 *
 * @throws {ConfigurationError} an unknown, malformed or out-of-range option
 * @example
 * const budget = new RetryBudget({ tokenRatio: 0.1, minRetriesPerSecond: 10 });
 * const handler = new RetryHandler({ budget });
 * budget.events$.subscribe((e) => e.type === 'exhausted' && console.warn('retry budget spent'));
 */
export class RetryBudget implements RetryBudgetHook {
  readonly name: string;
  readonly maxTokens: number;
  readonly tokenRatio: number;
  readonly minRetriesPerSecond: number;
  readonly transientCost: number;
  readonly throttledCost: number;
  /** Refusals and exhaustion; never errors. */
  readonly events$: Observable<RetryBudgetEvent>;
  readonly #events = new Subject<RetryBudgetEvent>();
  readonly #clock: Clock;
  readonly #threshold: number;
  #tokens: number;
  #reserve: number;
  #refilledAt: number;
  #exhausted = false;
  #allowed = 0;
  #denied = 0;
  #successes = 0;
  readonly #shared: SharedBudgetLink | undefined;

  constructor(options: RetryBudgetOptions = {}) {
    rejectUnknownKeys(options, keys, 'RetryBudget options');
    this.name = options.name ?? 'retry-budget';
    this.maxTokens = expectFiniteNumber('maxTokens', options.maxTokens ?? 10, 0);
    this.tokenRatio = expectFiniteNumber('tokenRatio', options.tokenRatio ?? 0.1, 0);
    this.minRetriesPerSecond = expectFiniteNumber(
      'minRetriesPerSecond',
      options.minRetriesPerSecond ?? 10,
      0,
    );
    const costs = options.costs ?? {};
    rejectUnknownKeys(costs, ['transient', 'throttled'], 'RetryBudget options `costs`');
    this.transientCost = positive('costs.transient', costs.transient ?? 1);
    this.throttledCost = positive('costs.throttled', costs.throttled ?? 0.5);
    this.#clock = options.clock ?? systemClock;
    const shared =
      options.shared === undefined ? undefined : resolveSharedBudget(options.shared, this.name);
    this.#threshold = this.maxTokens / 2;
    this.#tokens = this.maxTokens;
    this.#reserve = this.minRetriesPerSecond;
    this.#refilledAt = this.#clock.now();
    this.events$ = this.#events.asObservable();
    this.#shared =
      shared === undefined
        ? undefined
        : new SharedBudgetLink(shared, this.maxTokens, this.#clock, {
            adopt: (tokens) => {
              this.#tokens = Math.min(Math.max(tokens, 0), this.maxTokens);
            },
            emit: (event) => {
              this.#events.next(event);
            },
          });
  }

  /** May a retry happen now? Spends its cost when the answer is yes. */
  tryRetry(kind: RetryKind): boolean {
    const cost = kind === 'throttled' ? this.throttledCost : this.transientCost;
    if (this.#tokens - cost >= this.#threshold - epsilon) {
      this.#tokens = Math.max(this.#tokens - cost, 0);
      this.#shared?.spent(cost);
      return this.#allow();
    }
    this.#refillReserve();
    if (this.#reserve >= cost - epsilon) {
      this.#reserve = Math.max(this.#reserve - cost, 0);
      return this.#allow();
    }
    this.#denied += 1;
    const tokens = this.#tokens;
    const reserve = this.#reserve;
    if (!this.#exhausted) {
      this.#exhausted = true;
      this.#events.next({ type: 'exhausted', tokens, reserve });
    }
    this.#events.next({ type: 'retry-denied', kind, tokens, reserve });
    return false;
  }

  /** An attempt succeeded: puts `tokenRatio` tokens back (up to `maxTokens`). */
  recordSuccess(): void {
    this.#successes += 1;
    const tokens = this.#tokens + this.tokenRatio;
    this.#tokens = tokens > this.maxTokens ? this.maxTokens : tokens;
    // The whole ratio, even when this copy is full: the fleet's bucket may not be.
    this.#shared?.refilled(this.tokenRatio);
  }

  snapshot(): RetryBudgetSnapshot {
    this.#refillReserve();
    return {
      tokens: this.#tokens,
      reserve: this.#reserve,
      exhausted: this.#exhausted,
      retriesAllowed: this.#allowed,
      retriesDenied: this.#denied,
      successes: this.#successes,
    };
  }

  /** Completes `events$` and stops the shared sync. The budget still answers afterwards, locally. */
  dispose(): void {
    this.#shared?.dispose();
    this.#events.complete();
  }

  #allow(): true {
    this.#allowed += 1;
    if (this.#exhausted) {
      this.#exhausted = false;
      this.#events.next({ type: 'replenished', tokens: this.#tokens, reserve: this.#reserve });
    }
    return true;
  }

  #refillReserve(): void {
    const now = this.#clock.now();
    // A clock that stepped back adds nothing, and the time is not counted twice later.
    if (now <= this.#refilledAt) return;
    const reserve = this.#reserve + ((now - this.#refilledAt) * this.minRetriesPerSecond) / 1000;
    this.#refilledAt = now;
    this.#reserve = Math.min(reserve, this.minRetriesPerSecond);
  }
}

function positive(name: string, value: unknown): number {
  const cost = expectFiniteNumber(name, value, 0);
  if (cost === 0) {
    throw new ConfigurationError(`Expected \`${name}\` (0) to be > 0: a free retry is unbounded.`, {
      option: name,
    });
  }
  return cost;
}
