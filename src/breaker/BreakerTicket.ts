import type { Classification } from '../classify/Classification.js';
import type { CircuitTicket } from '../retry/hooks.js';

/** How a ticket reports back to its breaker. */
export type Settle = (ticket: BreakerTicket, outcome: 'success' | 'failure' | 'ignored') => void;

/** One admitted call; reports exactly once (later reports are ignored). */
export class BreakerTicket implements CircuitTicket {
  readonly #settle: Settle;
  /** The breaker's epoch when admitted: a later transition makes the outcome stale. */
  readonly epoch: number;
  /** Admitted as a half-open probe (holds one probe slot). */
  readonly probe: boolean;
  /** Epoch ms when admitted; 0 when no slow-call limit needs it. */
  readonly startedAt: number;
  #done = false;

  constructor(settle: Settle, epoch: number, probe: boolean, startedAt: number) {
    this.#settle = settle;
    this.epoch = epoch;
    this.probe = probe;
    this.startedAt = startedAt;
  }

  success(): void {
    if (this.#done) return;
    this.#done = true;
    this.#settle(this, 'success');
  }

  failure(_error: unknown, classification: Classification): void {
    if (this.#done) return;
    this.#done = true;
    this.#settle(this, classification.kind === 'fatal' ? 'ignored' : 'failure');
  }
}
