import { ConfigurationError } from '../errors/ConfigurationError.js';
import { expectFiniteNumber, expectInteger, rejectUnknownKeys } from '../internal/validate.js';
import type { TripPolicy } from './TripPolicy.js';

export interface FailureRatioOptions {
  /** Share of failed calls (0 < threshold <= 1) that opens the circuit. @default 0.5 */
  readonly threshold?: number;
  /** Length of the sliding window, ms. @default 10000 */
  readonly windowMs?: number;
  /** Buckets the window is cut into; the window slides one bucket at a time. @default 10 */
  readonly buckets?: number;
  /** Calls the window must hold before the ratio may trip (few calls say little). @default 10 */
  readonly minThroughput?: number;
}

const keys = ['threshold', 'windowMs', 'buckets', 'minThroughput'];

/**
 * Opens the circuit when, over the last `windowMs`, at least `minThroughput` calls were counted
 * and the share of failures among them reached `threshold` (resilience4j's time-based sliding
 * window, cockatiel's `SamplingBreaker`). The window is a ring of `buckets` counters, so memory
 * and time per call stay constant however busy the target is.
 *
 * @throws {ConfigurationError} an out-of-range or unknown option
 * @example
 * const breaker = new CircuitBreaker({
 *   trip: new FailureRatio({ threshold: 0.5, windowMs: 10_000, minThroughput: 20 }),
 * });
 */
export class FailureRatio implements TripPolicy {
  readonly name = 'failure-ratio';
  readonly threshold: number;
  readonly windowMs: number;
  readonly minThroughput: number;
  readonly #bucketMs: number;
  readonly #successes: number[];
  readonly #failures: number[];
  /** Index (time / bucketMs) of the newest bucket written; -Infinity when empty. */
  #newest = Number.NEGATIVE_INFINITY;
  #totalSuccesses = 0;
  #totalFailures = 0;

  constructor(options: FailureRatioOptions = {}) {
    rejectUnknownKeys(options, keys, 'FailureRatio options');
    this.threshold = expectFiniteNumber('threshold', options.threshold ?? 0.5, 0);
    if (this.threshold === 0 || this.threshold > 1) {
      throw new ConfigurationError(
        `Expected \`threshold\` (${this.threshold}) to be > 0 and <= 1: it is a share of failed calls.`,
        { option: 'threshold' },
      );
    }
    this.windowMs = expectFiniteNumber('windowMs', options.windowMs ?? 10_000, 1);
    const buckets = expectInteger('buckets', options.buckets ?? 10, 1);
    this.minThroughput = expectInteger('minThroughput', options.minThroughput ?? 10, 1);
    this.#bucketMs = this.windowMs / buckets;
    this.#successes = new Array<number>(buckets).fill(0);
    this.#failures = new Array<number>(buckets).fill(0);
  }

  /** Calls and failures in the window as of `nowMs`. */
  counts(nowMs: number): { readonly calls: number; readonly failures: number } {
    this.#slide(nowMs);
    return { calls: this.#totalSuccesses + this.#totalFailures, failures: this.#totalFailures };
  }

  success(nowMs: number): void {
    const slot = this.#slide(nowMs);
    this.#successes[slot] = (this.#successes[slot] ?? 0) + 1;
    this.#totalSuccesses += 1;
  }

  failure(nowMs: number): boolean {
    const slot = this.#slide(nowMs);
    this.#failures[slot] = (this.#failures[slot] ?? 0) + 1;
    this.#totalFailures += 1;
    const calls = this.#totalSuccesses + this.#totalFailures;
    return calls >= this.minThroughput && this.#totalFailures / calls >= this.threshold;
  }

  reset(): void {
    this.#successes.fill(0);
    this.#failures.fill(0);
    this.#totalSuccesses = 0;
    this.#totalFailures = 0;
    this.#newest = Number.NEGATIVE_INFINITY;
  }

  /** Empties the buckets that fell out of the window; returns the slot of `nowMs`. */
  #slide(nowMs: number): number {
    const buckets = this.#successes.length;
    const index = Math.floor(nowMs / this.#bucketMs);
    if (index > this.#newest) {
      const stale = Math.min(index - this.#newest, buckets);
      for (let i = 0; i < stale; i++) {
        const slot = mod(index - i, buckets);
        this.#totalSuccesses -= this.#successes[slot] ?? 0;
        this.#totalFailures -= this.#failures[slot] ?? 0;
        this.#successes[slot] = 0;
        this.#failures[slot] = 0;
      }
      this.#newest = index;
    }
    // A clock that stepped back writes into the newest bucket rather than a recycled one.
    return mod(Math.max(index, this.#newest), buckets);
  }
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
