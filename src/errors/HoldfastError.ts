import { redact } from '../telemetry/redact.js';

const brand = Symbol.for('holdfast.error');

/** Every stable code a holdfast error carries. */
export type HoldfastErrorCode =
  | 'ERR_HOLDFAST_CONFIG'
  | 'ERR_HOLDFAST_RETRIES_EXHAUSTED'
  | 'ERR_HOLDFAST_OUTCOME_UNKNOWN'
  | 'ERR_HOLDFAST_CIRCUIT_OPEN'
  | 'ERR_HOLDFAST_CLOSED'
  | 'ERR_HOLDFAST_ABORTED'
  | 'ERR_HOLDFAST_CONNECT_TIMEOUT'
  | 'ERR_HOLDFAST_ATTEMPT_TIMEOUT'
  | 'ERR_HOLDFAST_QUERY_TIMEOUT'
  // holdfast/mysql2: a pool checkout gave up (server unreachable, pool exhausted, queue full).
  | 'ERR_HOLDFAST_CHECKOUT'
  // holdfast/mysql2: no node of a pool cluster could take a call in time (no primary, ...).
  | 'ERR_HOLDFAST_CLUSTER_CHECKOUT';

/**
 * The base of holdfast's errors: a stable `code`, a `name` equal to the class name, the
 * underlying error as `cause`. Recognise one with `isHoldfastError(e) && e.code === '...'`,
 * which also works across two copies of the package where `instanceof` would not.
 */
export abstract class HoldfastError extends Error {
  abstract override readonly name: string;
  abstract readonly code: HoldfastErrorCode;
  readonly [brand] = true;

  /** The message is redacted: target names and descriptions may be URLs with passwords. */
  constructor(message?: string, options?: ErrorOptions) {
    super(message === undefined ? undefined : redact(message), options);
  }
}

/** True for any error thrown by holdfast (any copy of it). */
export function isHoldfastError(value: unknown): value is HoldfastError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}
