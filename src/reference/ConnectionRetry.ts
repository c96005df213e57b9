import { ErrorClassifier, type ErrorTable } from '../classify/ErrorClassifier.js';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { describe, rejectUnknownKeys } from '../internal/validate.js';
import type { AttemptContext } from '../retry/AttemptContext.js';
import { RetryHandler } from '../retry/RetryHandler.js';
import { type RetryPolicy, retryOptionKeys } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { createInstrumentation } from '../telemetry/createInstrumentation.js';
import type { TelemetryOptions } from '../telemetry/TelemetryOptions.js';
import { type ConnectionRetryOptions, connectionRetryKeys } from './ConnectionRetryOptions.js';
import { disposeClient } from './disposeClient.js';

/** What distinguishes the database flavour from the Redis one. */
export interface ConnectionRetryFlavour {
  /** `DatabaseConnectionRetry` or `RedisConnectionRetry`, for error messages. */
  readonly className: string;
  readonly system: 'mysql' | 'redis';
  readonly table: ErrorTable;
  /** The target name when `connectWithRetry` is given none. */
  readonly defaultName: string;
  /** Checks a new connection before it is returned (Redis: PING). */
  readonly verify?: (connection: unknown, signal: AbortSignal) => Promise<unknown>;
}

/**
 * The shared body of `DatabaseConnectionRetry` and `RedisConnectionRetry`: `connectWithRetry`
 * runs on a `ConnectionManager` (one connect cycle, its telemetry and cancellation) and
 * `executeWithRetry` on a `RetryHandler`.
 */
export abstract class ConnectionRetry {
  /** The resolved, frozen retry options. */
  readonly policy: RetryPolicy;
  readonly #flavour: ConnectionRetryFlavour;
  readonly #classifier: ErrorClassifier;
  readonly #telemetry: TelemetryOptions;
  readonly #handler: RetryHandler;

  protected constructor(
    options: ConnectionRetryOptions,
    defaults: RetryPolicy,
    flavour: ConnectionRetryFlavour,
  ) {
    const where = `${flavour.className} options`;
    const untyped: unknown = options;
    if (typeof untyped !== 'object' || untyped === null || Array.isArray(untyped)) {
      throw new ConfigurationError(`Expected ${where} to be an object, got ${describe(untyped)}.`);
    }
    rejectUnknownKeys(options, connectionRetryKeys, where);
    const retry: Record<string, unknown> = {};
    for (const key of retryOptionKeys) {
      if (options[key] !== undefined) retry[key] = options[key];
    }
    this.policy = resolveRetryPolicy(retry, defaults, where);
    this.#flavour = flavour;
    this.#classifier = options.classifier ?? new ErrorClassifier({ tables: [flavour.table] });
    this.#telemetry = {
      ...(options.logger && { logger: options.logger }),
      ...(options.tracer && { tracer: options.tracer }),
      ...(options.meter && { meter: options.meter }),
    };
    this.#handler = new RetryHandler({
      name: flavour.defaultName,
      classifier: this.#classifier,
      defaults: this.policy,
      instrumentation: createInstrumentation(
        { name: flavour.defaultName, system: flavour.system },
        this.#telemetry,
      ),
    });
  }

  /**
   * Connects with retry: the first attempt at once, then the jittered backoff; logs
   * `Attempting to connect to <name>`, `Successfully connected to <name>`, or
   * `Failed to connect to <name> after <n> retries: <message>`. `connectFn` may honour the
   * signal, which fires when an attempt times out (10 s).
   *
   * @throws {RetriesExhaustedError} every attempt failed; `cause` is the last error
   * @throws the fatal error itself (wrong password, programming error) after one attempt
   */
  async connectWithRetry<C>(
    connectFn: (signal: AbortSignal) => C | PromiseLike<C>,
    name: string = this.#flavour.defaultName,
  ): Promise<C> {
    let handedOver: C | undefined;
    const verify = this.#flavour.verify;
    const manager = new ConnectionManager<C>({
      name,
      connect: async (signal) => connectFn(signal),
      ...(verify && { verify }),
      // Only what the caller does not get back is closed: a client that failed its check, or
      // one that arrived after its attempt had timed out.
      disconnect: (connection) =>
        connection === handedOver ? undefined : disposeClient(connection),
      retryDefaults: this.policy,
      classifier: this.#classifier,
      // The reference design's semantics exactly: one cycle of maxRetries retries, no budget.
      budget: false,
      waitLimitMs: 0,
      target: { system: this.#flavour.system },
      ...this.#telemetry,
    });
    try {
      handedOver = await manager.ready();
      return handedOver;
    } finally {
      await manager.close();
    }
  }

  /**
   * Runs `fn`, retrying what the classifier calls retryable (the caller vouches that `fn` may
   * run again). Logs `Failed to execute <description> after <n> retries: <message>` on failure.
   *
   * @throws {RetriesExhaustedError} every attempt failed; `cause` is the last error
   * @throws the fatal error itself after one attempt
   */
  executeWithRetry<T>(
    fn: (context: AttemptContext) => T | PromiseLike<T>,
    description = 'operation',
  ): Promise<T> {
    return this.#handler.execute(fn, description);
  }
}
