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
export { ConnectionManager } from './connection/ConnectionManager.js';
export type { ConnectionEvent, ConnectionEventType } from './connection/ConnectionEvent.js';
export { ConnectTimeoutError } from './errors/ConnectTimeoutError.js';
export {
  retryWithBackoff,
  type Classifies,
  type RetryWithBackoffOptions,
  type ScheduledRetry,
} from './retry/retryWithBackoff.js';

// Reference design API: DatabaseConnectionRetry, RedisConnectionRetry, wrappers (issue 2/3)
export { DatabaseConnectionRetry } from './reference/DatabaseConnectionRetry.js';
export { RedisConnectionRetry } from './reference/RedisConnectionRetry.js';
export type { ConnectionRetry } from './reference/ConnectionRetry.js';
export type { ConnectionRetryOptions } from './reference/ConnectionRetryOptions.js';
export { withDbRetry } from './reference/withDbRetry.js';
export { withRedisRetry } from './reference/withRedisRetry.js';
export { dbRetry } from './reference/dbRetry.js';
export { redisRetry } from './reference/redisRetry.js';
export type { AsyncMethod, RetryMethodDecorator } from './reference/retryMethod.js';
export { getDbConnectionRetry } from './reference/getDbConnectionRetry.js';
export { getRedisConnectionRetry } from './reference/getRedisConnectionRetry.js';

// Circuit breaker and retry budget (issue 7)
export { CircuitBreaker } from './breaker/CircuitBreaker.js';
export type {
  CircuitBreakerOptions,
  SharedBreakerOptions,
} from './breaker/CircuitBreakerOptions.js';
export type { CircuitEvent, CircuitEventType } from './breaker/CircuitEvent.js';
export {
  type CircuitChangeSource,
  type CircuitOpenReason,
  type CircuitState,
  circuitTransitions,
} from './breaker/CircuitState.js';
export type { TripPolicy } from './breaker/TripPolicy.js';
export {
  ConsecutiveFailures,
  type ConsecutiveFailuresOptions,
} from './breaker/ConsecutiveFailures.js';
export { FailureRatio, type FailureRatioOptions } from './breaker/FailureRatio.js';
export type {
  SharedBreakerStore,
  SharedCircuitChange,
  SharedCircuitState,
  SharedFailureOptions,
} from './breaker/SharedBreakerStore.js';
export { MemorySharedBreakerStore } from './breaker/MemorySharedBreakerStore.js';
export {
  RetryBudget,
  type RetryBudgetOptions,
  type RetryBudgetSnapshot,
} from './budget/RetryBudget.js';
export type {
  RetryBudgetEvent,
  RetryBudgetEventType,
  RetryKind,
} from './budget/RetryBudgetEvent.js';
export type { SharedBudgetOptions } from './budget/SharedBudgetLink.js';
export type { SharedBudgetStore } from './budget/SharedBudgetStore.js';
export { MemorySharedBudgetStore } from './budget/MemorySharedBudgetStore.js';
export { withAttemptTimeout } from './deadline/withAttemptTimeout.js';
export { AttemptTimeoutError } from './errors/AttemptTimeoutError.js';

// Telemetry: instrumentation, pino adapter (issue 6)
export {
  createInstrumentation,
  type InstrumentationOptions,
} from './telemetry/createInstrumentation.js';
export {
  type AttemptTelemetry,
  type CircuitStatus,
  type Instrumentation,
  type OperationKind,
  type OperationTelemetry,
  noopInstrumentation,
} from './telemetry/Instrumentation.js';
export { pinoLogger, type PinoLike } from './telemetry/pinoLogger.js';
export { consoleLogger, type ConsoleLoggerOptions } from './telemetry/consoleLogger.js';
export { defaultLogger } from './telemetry/defaultLogger.js';
export { safeLogger } from './telemetry/safeLogger.js';
export { type LogLevel, logLevels, logLevelFromEnv } from './telemetry/logLevel.js';
export { describeError, redactedMarker, registerSecret } from './telemetry/redact.js';
export {
  type PoolMetrics,
  type PoolSnapshot,
  registerPoolMetrics,
} from './telemetry/poolMetrics.js';
export {
  attemptSpanName,
  holdfastAttributes,
  instrumentationScope,
  type MetricDefinition,
  metricDefinitions,
  operationSpanName,
  spanEventNames,
} from './telemetry/names.js';
export { semconvAttributes } from './telemetry/semconv.js';
