import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { expectFiniteNumber, expectInteger, rejectUnknownKeys } from '../internal/validate.js';
import { ConsecutiveFailures } from './ConsecutiveFailures.js';
import type { SharedBreakerStore } from './SharedBreakerStore.js';
import type { TripPolicy } from './TripPolicy.js';

/** How a breaker shares its state with the breakers of other processes. */
export interface SharedBreakerOptions {
  /** Where the state lives: `RedisSharedStore` (holdfast/ioredis) or `MemorySharedBreakerStore`. */
  readonly store: SharedBreakerStore;
  /** The breaker's name in the store; breakers with the same key share one state. @default name */
  readonly key?: string;
  /**
   * Oldest the cached shared state may be when `acquire()` runs: an older copy is refreshed in
   * the background (the call itself never waits for the store). A store with `subscribe` also
   * pushes changes at once; this read is the backstop for lost messages. ms. @default 1000
   */
  readonly syncIntervalMs?: number;
  /** A store operation that takes longer counts as failed (local state carries on). ms. @default 1000 */
  readonly timeoutMs?: number;
  /**
   * Also open every process's circuit when the whole fleet saw this many failures with no
   * success between, within `fleetWindowMs`. Off when absent (each process trips on its own
   * policy and publishes the opening).
   */
  readonly fleetFailureThreshold?: number;
  /** Window of the fleet failure count, ms. @default 10000 */
  readonly fleetWindowMs?: number;
}

/** Options of a `CircuitBreaker`. Durations are milliseconds. */
export interface CircuitBreakerOptions {
  /** Names the breaker in errors and telemetry. @default 'circuit' */
  readonly name?: string;
  /** When a closed circuit opens. @default new ConsecutiveFailures({ threshold: 5 }) */
  readonly trip?: TripPolicy;
  /** A success that took longer than this counts as a failure. Off when absent. */
  readonly slowCallMs?: number;
  /** The first break (open, before half-open). @default 5000 */
  readonly breakDurationMs?: number;
  /**
   * Each break that follows another without a close in between (a failed probe) lasts this
   * many times longer, up to `maxBreakDurationMs`; 1 keeps every break equal. @default 2
   */
  readonly breakDurationFactor?: number;
  /** The longest break. @default 60000 */
  readonly maxBreakDurationMs?: number;
  /** Calls let through at the same time while half-open. @default 1 */
  readonly halfOpenProbes?: number;
  /** Decides which errors count: transient and throttled do, fatal ones are ignored. */
  readonly classifier?: ErrorClassifier;
  /** Share the state with other processes. Off when absent. */
  readonly shared?: SharedBreakerOptions;
  /** Identifies this breaker in the shared store. @default a random UUID */
  readonly instanceId?: string;
  readonly clock?: Clock;
}

/** The shared options with every default applied. */
export interface ResolvedSharedOptions {
  readonly store: SharedBreakerStore;
  readonly key: string;
  readonly syncIntervalMs: number;
  readonly timeoutMs: number;
  readonly fleetFailureThreshold: number | undefined;
  readonly fleetWindowMs: number;
}

/** The options with every default applied, validated. */
export interface ResolvedBreakerOptions {
  readonly name: string;
  readonly trip: TripPolicy;
  readonly slowCallMs: number | undefined;
  readonly breakDurationMs: number;
  readonly breakDurationFactor: number;
  readonly maxBreakDurationMs: number;
  readonly halfOpenProbes: number;
  readonly classifier: ErrorClassifier;
  readonly shared: ResolvedSharedOptions | undefined;
  readonly instanceId: string;
  readonly clock: Clock;
}

const breakerKeys = [
  'name',
  'trip',
  'slowCallMs',
  'breakDurationMs',
  'breakDurationFactor',
  'maxBreakDurationMs',
  'halfOpenProbes',
  'classifier',
  'shared',
  'instanceId',
  'clock',
];
const sharedKeys = [
  'store',
  'key',
  'syncIntervalMs',
  'timeoutMs',
  'fleetFailureThreshold',
  'fleetWindowMs',
];

/**
 * Applies the defaults and validates eagerly.
 *
 * @throws {ConfigurationError} an unknown, malformed or out-of-range option
 */
export function resolveBreakerOptions(options: CircuitBreakerOptions): ResolvedBreakerOptions {
  rejectUnknownKeys(options, breakerKeys, 'CircuitBreaker options');
  const name = options.name ?? 'circuit';
  const breakDurationMs = expectFiniteNumber('breakDurationMs', options.breakDurationMs ?? 5000, 1);
  const maxBreakDurationMs = expectFiniteNumber(
    'maxBreakDurationMs',
    options.maxBreakDurationMs ?? Math.max(60_000, breakDurationMs),
    1,
  );
  if (maxBreakDurationMs < breakDurationMs) {
    throw new ConfigurationError(
      `Expected \`maxBreakDurationMs\` (${maxBreakDurationMs}) to be >= \`breakDurationMs\` (${breakDurationMs}).`,
      { option: 'maxBreakDurationMs' },
    );
  }
  return {
    name,
    trip: options.trip ?? new ConsecutiveFailures(),
    slowCallMs:
      options.slowCallMs === undefined
        ? undefined
        : expectFiniteNumber('slowCallMs', options.slowCallMs, 0),
    breakDurationMs,
    breakDurationFactor: expectFiniteNumber(
      'breakDurationFactor',
      options.breakDurationFactor ?? 2,
      1,
    ),
    maxBreakDurationMs,
    halfOpenProbes: expectInteger('halfOpenProbes', options.halfOpenProbes ?? 1, 1),
    classifier: options.classifier ?? new ErrorClassifier(),
    shared: options.shared === undefined ? undefined : resolveShared(options.shared, name),
    instanceId: options.instanceId ?? globalThis.crypto.randomUUID(),
    clock: options.clock ?? systemClock,
  };
}

function resolveShared(shared: SharedBreakerOptions, name: string): ResolvedSharedOptions {
  rejectUnknownKeys(shared, sharedKeys, 'CircuitBreaker options `shared`');
  if (typeof shared.store !== 'object') {
    throw new ConfigurationError(
      'Expected `shared.store` to be a SharedBreakerStore (e.g. new RedisSharedStore({ client })).',
      { option: 'shared.store' },
    );
  }
  return {
    store: shared.store,
    key: shared.key ?? name,
    syncIntervalMs: expectFiniteNumber('shared.syncIntervalMs', shared.syncIntervalMs ?? 1000, 0),
    timeoutMs: expectFiniteNumber('shared.timeoutMs', shared.timeoutMs ?? 1000, 1),
    fleetFailureThreshold:
      shared.fleetFailureThreshold === undefined
        ? undefined
        : expectInteger('shared.fleetFailureThreshold', shared.fleetFailureThreshold, 1),
    fleetWindowMs: expectFiniteNumber('shared.fleetWindowMs', shared.fleetWindowMs ?? 10_000, 1),
  };
}
