import type { PoolOptions } from 'mysql2';
import type { ClassifierRule } from '../classify/Classification.js';
import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { Clock } from '../internal/Clock.js';
import type { Random } from '../internal/Random.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../retry/hooks.js';
import type { RetryOptions } from '../retry/RetryOptions.js';
import type { TelemetryOptions } from '../telemetry/TelemetryOptions.js';

/** mysql2 options holdfast does not accept: it owns the pool, and the server side is not a target. */
export type ExcludedMysqlOptions = 'Promise' | 'pool' | 'isServer' | 'authSwitchHandler';

/**
 * What `createDatabasePool(config)` accepts: mysql2's pool options (minus the few holdfast owns),
 * the reference design's `pool_name` / `pool_size` (or camelCase), `retry`, the timeouts that
 * keep every checkout and statement bounded, and telemetry. Every key is checked before anything
 * connects: an unknown or malformed one is a `ConfigurationError`.
 */
export interface DatabasePoolConfig
  extends Omit<PoolOptions, ExcludedMysqlOptions>, HoldfastPoolOptions {}

/** The options holdfast adds to mysql2's. Durations are milliseconds. */
export interface HoldfastPoolOptions extends TelemetryOptions {
  /** Same as `pool_name`: the target's name in state, log lines and spans. @default 'mysql' */
  readonly name?: string;
  /**
   * The pool's name in state, log lines ("Attempting to connect to myapp_pool"), spans and
   * the `db.client.connection.pool.name` metric attribute. @default 'mysql'
   */
  readonly pool_name?: string;
  /** Same as `pool_name`. */
  readonly poolName?: string;
  /** The most connections the pool opens: mysql2's `connectionLimit`. @default 10 */
  readonly pool_size?: number;
  /** Same as `pool_size`. */
  readonly poolSize?: number;
  /**
   * How the pool reconnects while the server is unreachable. Merged over `DB_RETRY_*`
   * (seconds) and the reference design's MySQL defaults (3 retries, 1 s base, 30 s max).
   */
  readonly retry?: RetryOptions;
  /**
   * The longest one statement may run on a connection. When it passes, the connection is
   * destroyed (never returned to the pool) and the statement fails. @default 10000
   */
  readonly queryTimeoutMs?: number;
  /**
   * The longest `getConnection()` waits, whether for the server to come back or for a free
   * connection (mysql2's own queue). @default 10000
   */
  readonly checkoutTimeoutMs?: number;
  /**
   * A connection that sat idle in the pool longer than this is pinged before it is handed out;
   * one that does not answer is destroyed and another is tried. `0` pings on every checkout.
   * @default 1000
   */
  readonly idleValidationMs?: number;
  /** Rules asked before the built-in MySQL and network tables (the first verdict wins). */
  readonly classifierRules?: readonly ClassifierRule[];
  /** A whole classifier instead (takes precedence over `classifierRules`). */
  readonly classifier?: ErrorClassifier;
  /** A circuit breaker around the pool's connection attempts. */
  readonly circuitBreaker?: CircuitBreakerHook;
  /** A retry budget for the pool's reconnect loop; `false` switches the default off. */
  readonly budget?: RetryBudgetHook | false;
  /** Time seam (tests). @default the system clock */
  readonly clock?: Clock;
  /** Randomness seam for jitter (tests). @default Math.random */
  readonly random?: Random;
}
