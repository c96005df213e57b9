import { HoldfastError } from '../errors/HoldfastError.js';
import { assertNever } from '../internal/assertNever.js';
import { plural } from '../internal/plural.js';
import { describeError } from '../telemetry/redact.js';

/** Why a checkout gave up. */
export type CheckoutFailureReason = 'server-unreachable' | 'pool-exhausted';

/** The facts a PoolCheckoutError reports. */
export interface CheckoutFailure {
  readonly reason: CheckoutFailureReason;
  /** The pool's name. */
  readonly pool: string;
  /** How long the checkout waited, ms. */
  readonly waitedMs: number;
  /** Connections checked out when it gave up. */
  readonly checkedOut: number;
  /** The pool's connection limit. */
  readonly poolSize: number;
  /** How long the longest-held connection had been checked out, ms. */
  readonly oldestHeldMs: number;
  /** Checkouts queued when it gave up. */
  readonly queued: number;
  /** The queue limit (`queueLimit`, 0 = none). */
  readonly queueLimit: number;
  /** For `server-unreachable`: the last connect error (also the `cause`). */
  readonly lastError?: unknown;
}

/**
 * `getConnection()` (or a query waiting for a connection) gave up, and `reason` says why:
 * `server-unreachable` (no connection could be opened before `checkoutTimeoutMs`; `cause` is the
 * last connect error), `pool-exhausted` (every connection stayed checked out; `checkedOut` and
 * `oldestHeldMs` say how many and for how long). (mysql2's own `queueLimit` refusal is mysql2's
 * error.) Nothing was sent to the server: the statement may be retried.
 */
export class PoolCheckoutError extends HoldfastError {
  override readonly name = 'PoolCheckoutError';
  readonly code = 'ERR_HOLDFAST_CHECKOUT';
  readonly reason: CheckoutFailureReason;
  readonly pool: string;
  readonly waitedMs: number;
  readonly checkedOut: number;
  readonly poolSize: number;
  readonly oldestHeldMs: number;
  readonly queued: number;
  readonly queueLimit: number;

  constructor(failure: CheckoutFailure) {
    super(
      messageFor(failure),
      failure.lastError === undefined ? undefined : { cause: failure.lastError },
    );
    this.reason = failure.reason;
    this.pool = failure.pool;
    this.waitedMs = failure.waitedMs;
    this.checkedOut = failure.checkedOut;
    this.poolSize = failure.poolSize;
    this.oldestHeldMs = failure.oldestHeldMs;
    this.queued = failure.queued;
    this.queueLimit = failure.queueLimit;
  }
}

function messageFor(f: CheckoutFailure): string {
  const start = `Could not check out a connection from ${f.pool} (waited ${Math.round(f.waitedMs)} ms)`;
  switch (f.reason) {
    case 'server-unreachable':
      return `${start}: the server is unreachable (last connect error: ${
        f.lastError === undefined
          ? 'none yet, the connect attempt was still running'
          : describeError(f.lastError)
      }). Check that the server is up and reachable, or raise checkoutTimeoutMs or retry.maxRetries.`;
    case 'pool-exhausted':
      return `${start}: the pool is exhausted, all ${f.checkedOut} of ${f.poolSize} connections are checked out (the oldest for ${Math.round(f.oldestHeldMs)} ms) and ${plural(f.queued, 'more checkout is', 'more checkouts are')} waiting. Release connections sooner (a leak?), raise pool_size or raise checkoutTimeoutMs.`;
    default:
      return assertNever(f.reason);
  }
}
