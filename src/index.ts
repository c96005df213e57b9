// holdfast: the core entry point. No driver is imported from here (DESIGN.md "Public surface").
// Runtime values are what a user needs; every type used in a public option is exported too.
// etc/api/holdfast.api.md is the reviewed report of this surface (`npm run api`).

// Errors
export { HoldfastError, isHoldfastError, type HoldfastErrorCode } from './errors/HoldfastError.js';
export { ConfigurationError } from './errors/ConfigurationError.js';
export { RetriesExhaustedError, type RetryStopReason } from './errors/RetriesExhaustedError.js';
export { OutcomeUnknownError } from './errors/OutcomeUnknownError.js';
export { CircuitOpenError } from './errors/CircuitOpenError.js';
export { ClosedError } from './errors/ClosedError.js';
export { AbortedError } from './errors/AbortedError.js';
export { ConnectTimeoutError } from './errors/ConnectTimeoutError.js';
export { AttemptTimeoutError } from './errors/AttemptTimeoutError.js';
export { QueryTimeoutError } from './errors/QueryTimeoutError.js';

// Retry
export type { JitterMode } from './backoff/jitter.js';
export type { RetryOptions, RetryPolicy } from './retry/RetryOptions.js';
export type { AttemptContext } from './retry/AttemptContext.js';
export type { CircuitBreakerHook, CircuitTicket, RetryBudgetHook } from './retry/hooks.js';
export {
  RetryHandler,
  type RetryHandlerOptions,
  type ExecuteOptions,
} from './retry/RetryHandler.js';
export {
  retryWithBackoff,
  type RetryWithBackoffOptions,
  type ScheduledRetry,
} from './retry/retryWithBackoff.js';
export type { Classifies } from './retry/RetryDecider.js';
export type {
  RetryDecision,
  RetryStopCause,
  RetryableClassification,
} from './retry/RetryDecision.js';
export type { HookName, HookReporter } from './retry/guardedHooks.js';
export { withAttemptTimeout } from './deadline/withAttemptTimeout.js';
export { retryPolicyFromEnv, type EnvPrefix } from './config/retryPolicyFromEnv.js';

// Time and randomness: the one seam
export type { Clock, TimerHandle } from './internal/Clock.js';
export type { Random } from './internal/Random.js';

// Classification
export {
  type Classification,
  type ClassificationKind,
  type ClassifierRule,
  type ClassifyContext,
  type OperationScope,
  fatal,
  throttled,
  transient,
} from './classify/Classification.js';
export {
  ErrorClassifier,
  type ErrorClassifierOptions,
  type ErrorTable,
} from './classify/ErrorClassifier.js';
export { isUnsent } from './classify/unsent.js';

// Connection manager
export { ConnectionManager } from './connection/ConnectionManager.js';
export type { ConnectionState, ConnectionStatus } from './connection/ConnectionState.js';
export type {
  ConnectionManagerOptions,
  ManagerExecuteOptions,
  ProbeOptions,
  ReadyOptions,
} from './connection/ConnectionManagerOptions.js';
export type { ProbeOutcome, ProbeResult } from './probe/ProbeResult.js';
export type { ProbeAddress } from './probe/ProbeAddress.js';
export type { Probe } from './probe/tcpProbe.js';
export type { ConnectionEvent, ConnectionEventType } from './connection/ConnectionEvent.js';

// The reference design's API
export { DatabaseConnectionRetry } from './reference/DatabaseConnectionRetry.js';
export { RedisConnectionRetry } from './reference/RedisConnectionRetry.js';
export type { ConnectionRetry, ConnectionRetryFlavour } from './reference/ConnectionRetry.js';
export type { ConnectionRetryOptions } from './reference/ConnectionRetryOptions.js';
export { withDbRetry } from './reference/withDbRetry.js';
export { withRedisRetry } from './reference/withRedisRetry.js';
export { dbRetry } from './reference/dbRetry.js';
export { redisRetry } from './reference/redisRetry.js';
export type { AsyncMethod, RetryMethodDecorator } from './reference/retryMethod.js';
export { getDbConnectionRetry } from './reference/getDbConnectionRetry.js';
export { getRedisConnectionRetry } from './reference/getRedisConnectionRetry.js';

// Circuit breaker and retry budget
export { CircuitBreaker } from './breaker/CircuitBreaker.js';
export type {
  CircuitBreakerOptions,
  SharedBreakerOptions,
} from './breaker/CircuitBreakerOptions.js';
export type { CircuitEvent, CircuitEventType } from './breaker/CircuitEvent.js';
export type {
  CircuitChangeSource,
  CircuitOpenReason,
  CircuitState,
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

// Telemetry and logging
export { type Logger, silentLogger } from './telemetry/Logger.js';
export { pinoLogger, type PinoLike, type PinoMethod } from './telemetry/pinoLogger.js';
export { consoleLogger, type ConsoleLoggerOptions } from './telemetry/consoleLogger.js';
export type { LogLevel } from './telemetry/logLevel.js';
export { redact, registerSecret } from './telemetry/redact.js';
export type { TargetDescription, TelemetryOptions } from './telemetry/TelemetryOptions.js';
export type {
  AttemptTelemetry,
  CircuitStatus,
  Instrumentation,
  OperationKind,
  OperationTelemetry,
  SharedComponent,
} from './telemetry/Instrumentation.js';
export type { PoolMetrics, PoolSnapshot } from './telemetry/poolMetrics.js';
