import { expectInteger, rejectUnknownKeys } from '../internal/validate.js';
import type { TripPolicy } from './TripPolicy.js';

export interface ConsecutiveFailuresOptions {
  /** Failures in a row, with no success between, that open the circuit. @default 5 */
  readonly threshold?: number;
}

/**
 * Opens the circuit after `threshold` counted failures in a row (cockatiel's
 * `ConsecutiveBreaker`, Polly's classic breaker). Any success starts the count again.
 *
 * @throws {ConfigurationError} `threshold` is not a whole number >= 1, or an unknown option
 * @example
 * const breaker = new CircuitBreaker({ trip: new ConsecutiveFailures({ threshold: 3 }) });
 */
export class ConsecutiveFailures implements TripPolicy {
  readonly name = 'consecutive-failures';
  /** Counts outcomes, whatever their time. */
  readonly usesTime = false;
  readonly threshold: number;
  #failures = 0;

  constructor(options: ConsecutiveFailuresOptions = {}) {
    rejectUnknownKeys(options, ['threshold'], 'ConsecutiveFailures options');
    this.threshold = expectInteger('threshold', options.threshold ?? 5, 1);
  }

  /** Failures counted since the last success. */
  get failures(): number {
    return this.#failures;
  }

  success(): void {
    this.#failures = 0;
  }

  failure(): boolean {
    this.#failures += 1;
    return this.#failures >= this.threshold;
  }

  reset(): void {
    this.#failures = 0;
  }
}
