// holdfast: the core entry point. No driver is imported from here (DESIGN.md "Public surface").

// Errors
export { HoldfastError, isHoldfastError, type HoldfastErrorCode } from './errors/HoldfastError.js';
export { ConfigurationError } from './errors/ConfigurationError.js';
export { RetriesExhaustedError } from './errors/RetriesExhaustedError.js';
export { OutcomeUnknownError } from './errors/OutcomeUnknownError.js';
export { CircuitOpenError } from './errors/CircuitOpenError.js';
export { ClosedError } from './errors/ClosedError.js';
export { AbortedError } from './errors/AbortedError.js';

// Backoff and retry
export { type JitterMode, jitterModes } from './backoff/jitter.js';
export {
  backoffDelay,
  exponentialDelay,
  type BackoffParams,
} from './backoff/exponentialBackoff.js';
export {
  type RetryOptions,
  type RetryPolicy,
  mysqlRetryDefaults,
  redisRetryDefaults,
} from './retry/RetryOptions.js';
export { resolveRetryPolicy } from './retry/resolveRetryPolicy.js';
export type { AttemptContext } from './retry/AttemptContext.js';
export type { CircuitBreakerHook, CircuitTicket, RetryBudgetHook } from './retry/hooks.js';
export {
  RetryHandler,
  type RetryHandlerOptions,
  type ExecuteOptions,
} from './retry/RetryHandler.js';

// Classification
export {
  type Classification,
  type ClassificationKind,
  type ClassifierRule,
  type ClassifyContext,
  type OperationScope,
  fatal,
  isRetryable,
  throttled,
  transient,
} from './classify/Classification.js';
export {
  ErrorClassifier,
  type ErrorClassifierOptions,
  type ErrorTable,
} from './classify/ErrorClassifier.js';
export { isUnsent, markUnsent } from './classify/unsent.js';

// Configuration from the environment
export { retryPolicyFromEnv, type EnvPrefix } from './config/retryPolicyFromEnv.js';

// Connection state
export {
  type ConnectionState,
  type ConnectionStatus,
  connectionTransitions,
} from './connection/ConnectionState.js';
export type {
  ConnectionManagerOptions,
  ManagerExecuteOptions,
  ReadyOptions,
} from './connection/ConnectionManagerOptions.js';

// Telemetry
export { type Logger, silentLogger } from './telemetry/Logger.js';
export type { TargetDescription, TelemetryOptions } from './telemetry/TelemetryOptions.js';
export { redact } from './telemetry/redact.js';

// Connection manager (issue 3)

// Reference design API: DatabaseConnectionRetry, RedisConnectionRetry, wrappers (issue 2/3)

// Circuit breaker and retry budget (issue 7)

// Telemetry: instrumentation, pino adapter (issue 6)
