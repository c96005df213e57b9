import type { Classification } from '../classify/Classification.js';

/**
 * What a retry loop asks of a retry budget (`RetryBudget` implements it). First attempts never
 * ask; only retries spend.
 */
export interface RetryBudgetHook {
  /** May a retry after an error of this kind happen now? Spends tokens when it answers yes. */
  tryRetry(kind: 'transient' | 'throttled'): boolean;
  /** An attempt succeeded: refills a fraction of a token. */
  recordSuccess(): void;
}

/**
 * What a retry loop asks of a circuit breaker before each attempt (`CircuitBreaker` implements
 * it). `acquire` throws `CircuitOpenError` when no attempt may be made now.
 */
export interface CircuitBreakerHook {
  acquire(): CircuitTicket;
}

/** The outcome of one admitted attempt, reported exactly once. */
export interface CircuitTicket {
  success(): void;
  /** Only transient and throttled errors count as failures; a fatal one is reported as ignored. */
  failure(error: unknown, classification: Classification): void;
}
