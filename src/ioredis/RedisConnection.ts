import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import { inspect } from 'node:util';
import type { Clock, TimerHandle } from '../internal/Clock.js';
import { safeInvoke } from '../internal/safeInvoke.js';
import type { Logger } from '../telemetry/Logger.js';
import { describeError } from '../telemetry/redact.js';
import { fromIoredisError, notWritableError } from './fromIoredisError.js';
import { isBlockingCommand } from './commandTable.js';
import { acceptsCommands, ioredisStatuses } from './ioredisStatus.js';
import type { RedisArgument } from './RedisCommands.js';
import { RedisConnectionError } from './RedisConnectionError.js';

/** How a `RedisConnection` watches its instance. */
export interface RedisConnectionOptions {
  readonly clock: Clock;
  /**
   * A connection with commands in flight and no reply for this long is dead (a blackhole, a
   * frozen host): it is destroyed and its commands fail with `ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT`.
   * 0 switches the watchdog (and the health check) off.
   */
  readonly commandTimeoutMs: number;
  /** An idle connection is PINGed this often, so that a dead one is noticed; 0: never. */
  readonly healthCheckIntervalMs: number;
  /** How long `close()` waits for QUIT before dropping the socket. */
  readonly quitTimeoutMs: number;
  readonly logger: Logger | undefined;
  /** The client's `targetName`, the `target` field of its log lines. */
  readonly targetName?: string;
}

/** The watchdog counts in quarters of `commandTimeoutMs`: a dead link is seen within 1.25x it. */
const ticksPerTimeout = 4;
let nextId = 1;

/**
 * One ioredis instance, used for one connection: holdfast switched ioredis's reconnect off, so
 * when this instance leaves `ready` it is finished and the manager makes a new one. This is the
 * connection type of the client's `ConnectionManager`; it shows as `RedisConnection #3 (ready)`
 * in logs and `util.inspect`, never with the instance's options (which hold the password).
 *
 * It sends commands only while the instance is ready (else the command is refused unsent),
 * converts ioredis's errors, keeps an `error` listener on the instance for its whole life, and
 * runs a watchdog: no reply for `commandTimeoutMs` while commands wait destroys the connection
 * (blocking commands excepted), and an idle connection is PINGed every `healthCheckIntervalMs`.
 */
export class RedisConnection {
  readonly id = nextId++;
  readonly #redis: Redis;
  readonly #options: RedisConnectionOptions;
  readonly #tickMs: number;
  readonly #healthTicks: number;
  #lastError: unknown;
  /** The watchdog's next tick; undefined while it is not running. */
  #timer: TimerHandle = undefined;
  /** The oldest unanswered command at the previous tick (replies come in order). */
  #headAtTick: unknown = undefined;
  #stalledTicks = 0;
  #idleTicks = 0;
  /** Set when the watchdog declared the link dead: in-flight commands then report a timeout. */
  #timedOut = false;

  constructor(redis: Redis, options: RedisConnectionOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#tickMs = options.commandTimeoutMs / ticksPerTimeout;
    this.#healthTicks =
      options.healthCheckIntervalMs > 0
        ? Math.max(1, Math.ceil(options.healthCheckIntervalMs / this.#tickMs))
        : 0;
    // Without a listener ioredis prints every error to the console; with one, it is recorded
    // (the error that made `connect()` fail is reported instead of "Connection is closed.").
    redis.on('error', (error: unknown) => {
      this.#lastError = error;
      const logger = this.#options.logger;
      if (logger?.debug !== undefined) {
        safeInvoke(() =>
          logger.debug?.(`ioredis error on ${String(this)}: ${describeError(error)}`, {
            target: this.#options.targetName,
          }),
        );
      }
    });
    redis.once('end', () => {
      this.#stopWatchdog();
    });
  }

  /** The ioredis instance (for pub/sub, blocking commands, pipelines). */
  get redis(): Redis {
    return this.#redis;
  }

  /** ioredis's status of the instance (`ready`, `end`, ...). */
  get status(): string {
    return this.#redis.status;
  }

  /** True while the instance accepts commands. */
  get usable(): boolean {
    return !this.#timedOut && acceptsCommands(this.#redis.status);
  }

  /** The last `error` event of the instance (scrubbed of HELLO/AUTH arguments). */
  get lastError(): unknown {
    return this.#lastError === undefined ? undefined : fromIoredisError(this.#lastError, 'connect');
  }

  /**
   * Sends one command (or runs a group of them) on the instance. Refused unsent when the
   * instance is not ready; ioredis's errors are converted by `convertError`.
   *
   * @param command names the command in errors (`GET`)
   * @param run issues the command on the instance
   */
  send<T>(command: string, run: (redis: Redis) => Promise<T>): Promise<T> {
    return this.dispatch(command, run).then(undefined, (error: unknown) => {
      throw this.convertError(error, command);
    });
  }

  /**
   * `send` without its conversion step, for the client's hot path: the promise is ioredis's own
   * (or the caller's), so a failure is what ioredis rejected with, to be passed through
   * `convertError` exactly once (the client's manager does, as its `mapError`). Refused unsent
   * (`ERR_HOLDFAST_REDIS_NOT_WRITABLE`, already converted) when the instance is not ready.
   */
  dispatch<T>(command: string, run: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = this.#redis;
    if (this.#timedOut || !acceptsCommands(redis.status)) return this.#refuse(command);
    try {
      return run(redis);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as the driver (or the caller's function) threw it, for convertError
      return Promise.reject(error);
    }
  }

  /**
   * `dispatch` of `redis.call(ioredisName, ...args)`, without a function per call.
   *
   * @param command names the command in errors (`GET`)
   * @param ioredisName the lower-case name ioredis keys its reply transformers by (`hgetall`)
   */
  dispatchCall<T>(
    command: string,
    ioredisName: string,
    args: readonly RedisArgument[],
  ): Promise<T> {
    const redis = this.#redis;
    if (this.#timedOut || !acceptsCommands(redis.status)) return this.#refuse(command);
    try {
      return redis.call(ioredisName, ...args) as Promise<T>;
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as the driver threw it, for convertError
      return Promise.reject(error);
    }
  }

  /**
   * What a command on this connection failed with, as holdfast reports it (`fromIoredisError`;
   * after the watchdog declared the link dead, `ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT`). Converting
   * a converted error again changes nothing, so no path can wrap an error twice.
   *
   * @param command names the command in errors (`GET`)
   */
  convertError(error: unknown, command: string): unknown {
    if (error instanceof RedisConnectionError) return error;
    if (this.#timedOut) {
      return new RedisConnectionError(
        `No reply to ${command} within commandTimeoutMs (${this.#options.commandTimeoutMs} ms): the connection is treated as dead and replaced. Raise commandTimeoutMs if the server is slow rather than gone.`,
        { code: 'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT', command, cause: error },
      );
    }
    return fromIoredisError(error, command);
  }

  /**
   * Emits once when the instance leaves the statuses that accept commands (`close`, `end`, or
   * `reconnecting` should a custom Connector reconnect), or at once if it already has: the
   * manager's `lost` callback. The value is a `RedisConnectionError` with the last `error` event
   * as its cause.
   */
  lost$(): Observable<Error> {
    return new Observable<Error>((subscriber) => {
      const redis = this.#redis;
      const report = (): void => {
        subscriber.next(
          new RedisConnectionError(
            `The Redis connection ${String(this)} closed${this.#timedOut ? ' (no reply within commandTimeoutMs)' : ''}.`,
            {
              code: this.#timedOut
                ? 'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT'
                : 'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
              command: 'connection',
              cause: this.lastError,
            },
          ),
        );
      };
      if (!this.usable) {
        report();
        return undefined;
      }
      const gone = ioredisStatuses.filter((status) => !acceptsCommands(status));
      for (const status of gone) redis.on(status, report);
      return () => {
        for (const status of gone) redis.off(status, report);
      };
    });
  }

  /** Starts the watchdog and health check (after the connection was verified). */
  startWatchdog(): void {
    if (this.#options.commandTimeoutMs <= 0 || this.#timer !== undefined) return;
    this.#schedule();
  }

  /**
   * QUIT (so the server frees the client at once), bounded by `quitTimeoutMs`, then drops the
   * socket. Never rejects.
   */
  async close(): Promise<void> {
    this.#stopWatchdog();
    const redis = this.#redis;
    if (acceptsCommands(redis.status)) {
      const clock = this.#options.clock;
      let timer: TimerHandle = undefined;
      await Promise.race([
        redis.quit().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = clock.setTimeout(resolve, this.#options.quitTimeoutMs);
        }),
      ]);
      clock.clearTimeout(timer);
    }
    this.destroy();
  }

  /** Drops the socket now; in-flight commands fail with a closed-connection error. */
  destroy(): void {
    this.#stopWatchdog();
    const redis = this.#redis;
    if (redis.status !== 'end') redis.disconnect();
    // disconnect() ends the socket politely and waits up to ioredis's disconnectTimeout (2 s)
    // for the peer's FIN; a dead peer never sends one, so the stream is destroyed here to fail
    // the commands in flight now rather than then.
    (redis.stream as { destroy?: () => void } | undefined)?.destroy?.();
  }

  toString(): string {
    return `RedisConnection #${this.id} (${this.#redis.status})`;
  }

  toJSON(): { id: number; status: string } {
    return { id: this.id, status: this.#redis.status };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  #refuse<T>(command: string): Promise<T> {
    return Promise.reject(
      notWritableError(
        command,
        `the connection is not ready (ioredis status ${this.#redis.status})`,
      ),
    );
  }

  #schedule(): void {
    const timer = this.#options.clock.setTimeout(() => {
      this.#tick();
    }, this.#tickMs);
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.#timer = timer;
  }

  #stopWatchdog(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One watchdog tick. It reads ioredis's queue of commands written and not yet answered, so it
   * also covers commands sent on `connection.redis` directly, and costs the hot path nothing.
   * Replies come in order: when the oldest unanswered command is the same as at the previous
   * tick, no reply arrived in between ("stalled"). `ticksPerTimeout` stalled ticks in a row is
   * `commandTimeoutMs` without a reply. A blocking command at the head waits legitimately.
   */
  #tick(): void {
    this.#timer = undefined;
    const redis = this.#redis;
    if (!acceptsCommands(redis.status)) return;
    const head = redis.commandQueue.peekFront();
    const stalled =
      head !== undefined &&
      head === this.#headAtTick &&
      !isBlockingCommand(head.command.name, head.command.args);
    this.#stalledTicks = stalled ? this.#stalledTicks + 1 : 0;
    this.#idleTicks =
      head === undefined && this.#headAtTick === undefined ? this.#idleTicks + 1 : 0;
    this.#headAtTick = head;
    if (this.#stalledTicks >= ticksPerTimeout) {
      this.#timedOut = true;
      this.destroy();
      return;
    }
    if (this.#healthTicks > 0 && this.#idleTicks >= this.#healthTicks) {
      this.#idleTicks = 0;
      // Its failure is the watchdog's business (no reply) or the lost$ stream's (closed).
      this.send('PING', (r) => r.ping()).catch(() => undefined);
    }
    this.#schedule();
  }
}
