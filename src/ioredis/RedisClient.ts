import type { Redis, RedisOptions } from 'ioredis';
import type { Observable } from 'rxjs';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import type { ReadyOptions } from '../connection/ConnectionManagerOptions.js';
import type { ConnectionEvent } from '../connection/ConnectionEvent.js';
import type { ConnectionState } from '../connection/ConnectionState.js';
import { AbortedError } from '../errors/AbortedError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import type { AttemptContext } from '../retry/AttemptContext.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import { type CommandSpec, commandSpec, commandSpecWith } from './commandSpec.js';
import type { RedisClientOptions } from './RedisClientOptions.js';
import { type RedisArgument, RedisCommands } from './RedisCommands.js';
import type { RedisConnection } from './RedisConnection.js';
import { redisConnector } from './redisConnector.js';
import { resolveRedisClientOptions } from './resolveRedisClientOptions.js';

/** Options of one call: `client.command()` and `client.execute()`. */
export interface RedisCallOptions {
  /**
   * Sending it twice is harmless: retry it even after it may have reached the server. For
   * `command()` the default is the command table's verdict; for `execute()` it is false.
   */
  readonly idempotent?: boolean;
  /** Ends the wait for a connection or for the next retry with `AbortedError`. */
  readonly signal?: AbortSignal;
  /**
   * Gives up waiting (for a connection, between retries) after this many ms with
   * `AbortedError`. A command already written to the socket is bounded by `commandTimeoutMs`
   * instead, so that its outcome is reported rather than hidden by the abort.
   */
  readonly timeoutMs?: number;
  /** Names the operation in spans, logs and errors. @default the command name (`execute`: 'redis operation') */
  readonly description?: string;
}

/** Internal wiring (process-wide clients, unit specs); not part of the public options. */
export interface RedisClientWiring {
  /** Read `REDIS_URL` when `url` is not given. */
  readonly fromEnvUrl?: boolean;
  /** Told once when the client closes (the registry forgets it). */
  readonly onClose?: () => void;
  /** Builds each ioredis instance. @default `new Redis(options)` */
  readonly createIoredis?: (options: RedisOptions) => Redis;
}

/**
 * A Redis client with holdfast's reconnect and retry rules over ioredis (see
 * docs/guides/ioredis.md). One `ConnectionManager` owns the connection: ioredis's own reconnect,
 * offline queue and re-send are off, so there is one retry layer and the state you observe is the
 * real connection's. Commands issued while it reconnects wait for it (bounded by the retry
 * policy, `signal` and `timeoutMs`); reads and idempotent writes are retried; a write that may
 * have been applied is never sent twice (`OutcomeUnknownError`).
 *
 * @throws {ConfigurationError} (constructor) an ioredis option holdfast owns, a malformed URL,
 *   duration or retry option
 * @example
 * const client = createRedisClient({ url: 'redis://127.0.0.1:6379' });
 * await client.set('greeting', 'hello');
 * const value = await client.get('greeting');
 * await client.close();
 */
export class RedisClient extends RedisCommands {
  /** The target's name in states, errors, spans and logs. */
  readonly name: string;
  /** Where it connects (`redis://host:port/db`), without password. */
  readonly target: string;
  /** The resolved retry policy (reconnects and command retries). */
  readonly policy: RetryPolicy;
  /** The connection's state, replayed to each subscriber; completes after `close()`. */
  readonly state$: Observable<ConnectionState<RedisConnection>>;
  /** Attempts, retries, losses and state changes as they happen. */
  readonly events$: Observable<ConnectionEvent<RedisConnection>>;

  readonly #manager: ConnectionManager<RedisConnection>;
  readonly #clock: Clock;
  readonly #onClose: (() => void) | undefined;

  /** @param wiring internal: used by `getRedisClient` and unit specs */
  constructor(options: RedisClientOptions = {}, wiring: RedisClientWiring = {}) {
    super();
    const resolved = resolveRedisClientOptions(options, wiring.fromEnvUrl ?? false);
    const own = resolved.own;
    this.#clock = own.clock ?? systemClock;
    this.#onClose = wiring.onClose;
    this.name = resolved.targetName;
    this.target = resolved.display;
    const connector = redisConnector(resolved, this.#clock, own.logger, wiring.createIoredis);
    this.#manager = new ConnectionManager<RedisConnection>({
      name: resolved.targetName,
      ...connector,
      retry: own.retry ?? {},
      retryDefaults: resolved.retryDefaults,
      classifier: own.classifier ?? new ErrorClassifier({ tables: ['redis'] }),
      target: resolved.target,
      connectTimeoutMs: resolved.connectTimeoutMs,
      ...(own.circuitBreaker !== undefined && { circuitBreaker: own.circuitBreaker }),
      ...(own.budget !== undefined && { budget: own.budget }),
      ...(own.logger !== undefined && { logger: own.logger }),
      ...(own.tracer !== undefined && { tracer: own.tracer }),
      ...(own.meter !== undefined && { meter: own.meter }),
      ...(own.clock !== undefined && { clock: own.clock }),
      ...(own.random !== undefined && { random: own.random }),
    });
    this.policy = this.#manager.policy;
    this.state$ = this.#manager.state$;
    this.events$ = this.#manager.events$;
  }

  /** The current state (a snapshot; `state$` for changes). */
  get state(): ConnectionState<RedisConnection> {
    return this.#manager.state;
  }

  /**
   * The ioredis instance of the current connection, for what holdfast does not wrap (pub/sub,
   * blocking commands, pipelines, MULTI); undefined while not connected. After a reconnect it is
   * a new instance: see docs/guides/ioredis.md for subscriptions and blocking commands.
   */
  get redis(): Redis | undefined {
    const state = this.#manager.state;
    return state.status === 'connected' ? state.connection.redis : undefined;
  }

  /**
   * Connects (if not connected) and resolves with the ioredis instance. Concurrent callers share
   * one connect loop.
   *
   * @throws {RetriesExhaustedError} the connect attempts were used up (`cause` = last error)
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed (the loop goes on for others)
   * @throws {ClosedError} the client was closed
   * @throws the fatal error itself (a wrong password: `ReplyError` WRONGPASS), after one attempt
   */
  async ready(options?: ReadyOptions): Promise<Redis> {
    const connection = await this.#manager.ready(options);
    return connection.redis;
  }

  /**
   * Sends any command, judged by the command table (an unknown command is unsafe: it is never
   * sent twice).
   *
   * @example
   * await client.call('HINCRBY', 'stats', 'visits', 1);
   */
  call(command: string, ...args: RedisArgument[]): Promise<unknown> {
    return this.sendCommand(command, args);
  }

  /**
   * Sends any command with per-call options: mark it idempotent (a Lua script you know is safe
   * to repeat), bound the wait with `signal` or `timeoutMs`.
   *
   * @throws {OutcomeUnknownError} it may have been applied before the connection failed
   * @throws {RetriesExhaustedError} retries used up (`cause` = last error)
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed while waiting
   * @throws {ReplyError} the server's error reply when it is not worth retrying (`WRONGTYPE` ...)
   * @example
   * await client.command('EVALSHA', [sha, 1, 'lock:a'], { idempotent: true, timeoutMs: 2000 });
   */
  command(
    name: string,
    args: readonly RedisArgument[],
    options: RedisCallOptions = {},
  ): Promise<unknown> {
    const { idempotent, description, signal, timeoutMs } = options;
    const spec =
      idempotent === undefined ? commandSpec(name, args) : commandSpecWith(name, idempotent);
    if (description === undefined && signal === undefined && timeoutMs === undefined) {
      return this.#send(spec, args);
    }
    return this.#bounded(options, (bound) =>
      this.#manager.execute(
        (connection) => connection.dispatchCall(spec.options.description, spec.ioredisName, args),
        {
          description: description ?? spec.options.description,
          idempotent: spec.options.idempotent,
          ...(bound !== undefined && { signal: bound }),
        },
      ),
    );
  }

  /**
   * Runs `fn` with the ioredis instance of a ready connection (a MULTI, a pipeline, several
   * commands). Retried after a connection failure only when `idempotent: true` (or when the
   * failure happened before anything was sent); otherwise `OutcomeUnknownError`.
   *
   * @throws {OutcomeUnknownError} / {RetriesExhaustedError} / {AbortedError} as `command()`
   * @example
   * const [[, a], [, b]] = await client.execute((redis) => redis.multi().get('a').get('b').exec());
   */
  execute<T>(
    fn: (redis: Redis, context: AttemptContext) => Promise<T>,
    options: RedisCallOptions = {},
  ): Promise<T> {
    const description = options.description ?? 'redis operation';
    return this.#bounded(options, (signal) =>
      this.#manager.execute(
        (connection, context) => connection.dispatch(description, (redis) => fn(redis, context)),
        {
          description,
          idempotent: options.idempotent ?? false,
          ...(signal !== undefined && { signal }),
        },
      ),
    );
  }

  /** Drops the current connection (if any) and connects again now. */
  reconnect(): void {
    this.#manager.reconnect();
  }

  /**
   * Closes the client: waiting calls reject with `ClosedError`, the connection is QUIT (bounded
   * by `quitTimeoutMs`) and dropped; no timer is left. Idempotent.
   */
  close(): Promise<void> {
    this.#onClose?.();
    return this.#manager.close();
  }

  protected sendCommand<T>(name: string, args: readonly RedisArgument[]): Promise<T> {
    return this.#send(commandSpec(name, args), args);
  }

  protected sendCommandWith<T>(
    name: string,
    args: readonly unknown[],
    run: (redis: Redis) => Promise<T>,
  ): Promise<T> {
    const spec = commandSpec(name, args);
    return this.#manager.execute(
      (connection) => connection.dispatch(spec.options.description, run),
      spec.options,
    );
  }

  /**
   * The hot path of every command: the shared, frozen spec as the manager's options, one
   * function per call (the operation, which a retry runs again), and ioredis's own promise
   * under the manager's single `then` (a failure is converted there, by the connector's
   * `mapError`, exactly once).
   */
  #send<T>(spec: CommandSpec, args: readonly RedisArgument[]): Promise<T> {
    return this.#manager.execute(
      (connection) => connection.dispatchCall<T>(spec.options.description, spec.ioredisName, args),
      spec.options,
    );
  }

  /** Runs `run` with the caller's signal, combined with a `timeoutMs` timer on the clock. */
  #bounded<T>(
    options: RedisCallOptions,
    run: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const { timeoutMs, signal } = options;
    if (timeoutMs === undefined) return run(signal);
    const controller = new AbortController();
    const timer = this.#clock.setTimeout(() => {
      controller.abort(
        new AbortedError(
          `Waited timeoutMs (${timeoutMs}) for ${this.name}; nothing further was sent. Raise timeoutMs to wait longer.`,
        ),
      );
    }, timeoutMs);
    const combined =
      signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
    return run(combined).finally(() => {
      this.#clock.clearTimeout(timer);
    });
  }
}
