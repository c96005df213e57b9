import type { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { type RetryOptions, retryOptionKeys } from '../retry/RetryOptions.js';
import type { TelemetryOptions } from '../telemetry/TelemetryOptions.js';

/**
 * Options of the reference design's `DatabaseConnectionRetry` and `RedisConnectionRetry` (and
 * of `withDbRetry`, `dbRetry`, ...): the retry options, where to send telemetry, and optionally
 * a classifier (default: the MySQL or the Redis tables). Any other key is a `ConfigurationError`.
 */
export interface ConnectionRetryOptions extends RetryOptions, TelemetryOptions {
  readonly classifier?: ErrorClassifier;
}

export const connectionRetryKeys = [
  ...retryOptionKeys,
  'logger',
  'tracer',
  'meter',
  'classifier',
] as const satisfies readonly (keyof ConnectionRetryOptions)[];
