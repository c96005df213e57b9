import type { Command, Redis } from 'ioredis';
import { type Observable, Subject, defer, filter, map, of } from 'rxjs';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import { ClosedError } from '../errors/ClosedError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { abortReason } from '../internal/sleep.js';
import type { Logger } from '../telemetry/Logger.js';
import { safeLogger } from '../telemetry/safeLogger.js';
import { adviseOnAuthFailure } from './adviseOnAuthFailure.js';
import { CommandWatchdog } from './CommandWatchdog.js';
import { ConnectionErrors } from './ConnectionErrors.js';
import { fromIoredisError } from './fromIoredisError.js';
import { type IoredisInternals, internals } from './ioredisInternals.js';
import { quitThenDrop } from './quitThenDrop.js';
import { RefusedCommands } from './RefusedCommands.js';
import { type RedisLink, redisManagerOptions } from './redisManagerOptions.js';
import type { ResolvedRedisClientOptions } from './resolveRedisClientOptions.js';
import type { QueuedCommand } from './sortInFlight.js';
import { type InFlightContext, takeOverInFlight } from './takeOverInFlight.js';

/** What the keeper calls on its client: ioredis's own members, not the client's overrides. */
export interface KeptClient {
  readonly redis: Redis;
  /** ioredis's `connect()` (the client's own answers with holdfast's loop). */
  readonly connect: () => Promise<void>;
  /** ioredis's `disconnect(reconnect)`. */
  readonly disconnect: (reconnect: boolean) => void;
  /** ioredis's private members, as its prototype has them (the client overrides three). */
  readonly base: IoredisInternals;
  readonly newCommand: (name: string) => Command;
  /** Told when the client ends (`close()`, or a `disconnect()` of the user). */
  readonly onEnd: () => void;
}

/**
 * The connection life of one `RedisClient` (ADR 0012): the `ConnectionManager` whose loop
 * calls ioredis's own `connect()` on the same instance, the link of each connection, the
 * watchdog, and what becomes of the queues when a socket closes, when the user ends the client
 * and when `close()` does. `RedisClient` routes ioredis's `setStatus`, `handleReconnection` and
 * `flushQueue` here.
 */
export class RedisLinkKeeper {
  readonly targetName: string;
  readonly #client: KeptClient;
  readonly #resolved: ResolvedRedisClientOptions;
  readonly #clock: Clock;
  readonly #watchdog: CommandWatchdog;
  readonly #linkLost = new Subject<{ link: RedisLink; error: Error }>();
  readonly #inFlight: InFlightContext;
  readonly #errors: ConnectionErrors;
  #manager: ConnectionManager<RedisLink>;
  #link: RedisLink | undefined;
  #epoch = 0;
  /** Set by `close()`: nothing reconnects any more. */
  #closed: ClosedError | undefined;
  #closing: Promise<void> | undefined;
  /** Set while a `disconnect()` / QUIT of the user ends the client (until `connect()`). */
  #endedByUser = false;
  readonly #refused = new RefusedCommands();

  constructor(client: KeptClient, resolved: ResolvedRedisClientOptions) {
    this.#client = client;
    this.#resolved = resolved;
    this.targetName = resolved.targetName;
    this.#clock = resolved.own.clock ?? systemClock;
    // The user's logger, redacting (and pino-aware); undefined without one.
    const logger: Logger | undefined =
      resolved.own.logger === undefined ? undefined : safeLogger(resolved.own.logger);
    this.#errors = new ConnectionErrors(this.targetName, resolved.commandTimeoutMs, logger);
    this.#inFlight = {
      targetName: this.targetName,
      logger,
      closeError: (command) => this.#errors.lost(command),
      newCommand: client.newCommand,
    };
    this.#watchdog = new CommandWatchdog(client.redis, {
      clock: this.#clock,
      commandTimeoutMs: resolved.commandTimeoutMs,
      healthCheckIntervalMs: resolved.healthCheckIntervalMs,
      onTimeout: () => {
        this.#errors.timedOut = true;
        this.#dropSocket();
      },
    });
    this.#manager = this.#newManager();
  }

  get manager(): ConnectionManager<RedisLink> {
    return this.#manager;
  }

  /** Set once `close()` was called. */
  get closed(): ClosedError | undefined {
    return this.#closed;
  }

  /** True while holdfast's loop will connect again after a close of the socket. */
  get reconnects(): boolean {
    return this.#closed === undefined && !this.#endedByUser;
  }

  /** An `error` event of ioredis. */
  onError(error: unknown): void {
    this.#errors.note(error);
  }

  /** A new loop after the user's `disconnect()` (their `connect()`); refuses after `close()`. */
  reopenIfEnded(): void {
    if (this.#closed !== undefined) throw this.#closed;
    if (!this.#endedByUser) return;
    this.#endedByUser = false;
    this.#manager = this.#newManager();
  }

  /** A command waits: start a cycle unless one runs (or the client ended). */
  demandConnection(): void {
    const status = this.#manager.state.status;
    if ((status === 'idle' || status === 'failed') && this.reconnects) {
      this.#manager.ready().catch(() => undefined);
    }
  }

  /** The user's `disconnect()` / QUIT: the loop ends with the connection (`connect()` restarts it). */
  endByUser(): void {
    if (this.#endedByUser) return;
    this.#endedByUser = true;
    this.#client.onEnd();
    this.#watchdog.stop();
    this.#link = undefined;
    void this.#manager.close();
    const redis = this.#client.redis;
    if (redis.status === 'reconnecting' || redis.status === 'wait') {
      // No socket, so ioredis will not run its close handler: end here as it would.
      this.#client.base.setStatus.call(redis, 'end');
      this.#client.base.flushQueue.call(redis, new Error('Connection is closed.'));
    }
  }

  /** `RedisClient.close()`: see there. Idempotent. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = new ClosedError(
      `The Redis client ${this.targetName} is closed; create a new one to connect again.`,
    );
    this.#client.onEnd();
    const redis = this.#client.redis;
    this.#closing = this.#manager.close().then(() => {
      this.#watchdog.stop();
      this.#failWaiting(this.#closed ?? new Error('closed'));
      if (redis.status !== 'end') this.#client.base.setStatus.call(redis, 'end');
    });
    return this.#closing;
  }

  /**
   * ioredis's `setStatus`; true when the keeper took the change over. `close` (the first step of
   * ioredis's close handler) takes the unanswered commands over; `end` while the loop goes on
   * becomes `reconnecting` (`wait` once a cycle gave up): commands keep waiting, as in ioredis.
   */
  onStatus(status: string): boolean {
    if (status === 'close') {
      this.#onSocketClose();
      return false;
    }
    if (status !== 'end' || !this.reconnects) return false;
    internals(this.#client.redis).status =
      this.#manager.state.status === 'failed' ? 'wait' : 'reconnecting';
    return true;
  }

  /** ioredis's `handleReconnection` (an error reply); true on READONLY: reconnect, resend first. */
  onReplyError(error: Error, item: QueuedCommand): boolean {
    if (!this.reconnects || this.#client.redis.status !== 'ready') return false;
    if (!this.#refused.keep(error, item)) return false;
    this.#dropSocket();
    return true;
  }

  /** ioredis's `flushQueue`: what waits for the connection keeps waiting while the loop goes on. */
  flushQueue(error: Error, options?: { offlineQueue?: boolean; commandQueue?: boolean }): void {
    const { redis, base } = this.#client;
    if (this.reconnects) {
      base.flushQueue.call(redis, error, { ...options, offlineQueue: false });
      return;
    }
    if (this.#closed !== undefined && options?.offlineQueue !== false) {
      base.flushQueue.call(redis, this.#closed, { offlineQueue: true, commandQueue: false });
    }
    base.flushQueue.call(redis, error, options);
  }

  #newManager(): ConnectionManager<RedisLink> {
    const manager = new ConnectionManager<RedisLink>(
      redisManagerOptions(this.#resolved, {
        connect: (signal) => this.#open(signal),
        disconnect: (link) => this.#drop(link),
        lost: (link) => this.#lostOf(link),
      }),
    );
    const redis = this.#client.redis;
    manager.state$.subscribe((state) => {
      if (this.#manager !== manager) return;
      if (state.status === 'retrying' && redis.status === 'reconnecting') {
        redis.emit('reconnecting', state.delayMs);
      } else if (state.status === 'failed') {
        // The cycle gave up: what waited fails with its error, and the next command (or
        // connect()) starts a new cycle, as ioredis's `wait` status means.
        this.#failWaiting(state.error);
        this.#client.base.setStatus.call(redis, 'wait');
      }
    });
    return manager;
  }

  /** One connect attempt of the manager: ioredis's own `connect()` on this same instance. */
  async #open(signal: AbortSignal): Promise<RedisLink> {
    if (signal.aborted) throw abortReason(signal);
    this.#errors.cause = undefined;
    const onAbort = (): void => {
      this.#dropSocket();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#client.connect();
    } catch (error) {
      // Read again: the abort may have come while connecting.
      if (isAborted(signal)) throw abortReason(signal);
      // connect() rejects with "Connection is closed." whatever happened; the `error` event
      // before it says what did (ECONNREFUSED, WRONGPASS ...).
      throw adviseOnAuthFailure(fromIoredisError(this.#errors.cause ?? error, 'connect'));
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    const link = { epoch: (this.#epoch += 1) };
    this.#link = link;
    this.#errors.timedOut = false;
    this.#watchdog.start();
    return link;
  }

  /** The manager no longer wants `link` (close, a superseded attempt). Never rejects. */
  async #drop(link: RedisLink): Promise<void> {
    if (this.#link !== link) return;
    this.#link = undefined;
    this.#watchdog.stop();
    if (this.#endedByUser) return;
    const redis = this.#client.redis;
    if (this.#closed === undefined || redis.status !== 'ready') {
      this.#dropSocket();
      return;
    }
    // close(): QUIT bounded by quitTimeoutMs, then the socket; resolves once the instance ended.
    await quitThenDrop(redis, this.#clock, this.#resolved.quitTimeoutMs, () => {
      this.#dropSocket();
    });
  }

  /** Emits once, after ioredis has finished handling the close, when `link` is lost. */
  #lostOf(link: RedisLink): Observable<Error> {
    return defer(() =>
      this.#link === link
        ? this.#linkLost.pipe(
            filter((lost) => lost.link === link),
            map((lost) => lost.error),
          )
        : of(this.#errors.lost('connection')),
    );
  }

  /** Drops the socket now (a dead peer never answers the FIN that `disconnect()` waits for). */
  #dropSocket(): void {
    const redis = this.#client.redis;
    if (redis.status !== 'end' && redis.status !== 'wait' && redis.status !== 'reconnecting') {
      this.#client.disconnect(true);
    }
    internals(redis).stream?.destroy();
  }

  /** Rejects the commands waiting in the offline queue with `error`. */
  #failWaiting(error: Error): void {
    const { redis, base } = this.#client;
    base.flushQueue.call(redis, error, { offlineQueue: true, commandQueue: false });
  }

  /**
   * Unless the user or `close()` ended the client, the unanswered commands are taken out of
   * ioredis's hands: safe ones to the front of the offline queue, the others `OutcomeUnknownError`.
   */
  #onSocketClose(): void {
    const redis = this.#client.redis;
    const self = internals(redis);
    if (self.manuallyClosing && this.#closed === undefined) this.endByUser();
    if (!this.reconnects) return;
    this.#watchdog.stop();
    const lost = this.#link;
    this.#link = undefined;
    if (lost !== undefined) {
      const error = this.#refused.takeReply() ?? this.#errors.lost('connection');
      // After ioredis's close handler has run: the manager then reconnects at once.
      process.nextTick(() => {
        this.#linkLost.next({ link: lost, error });
      });
    }
    // Only a ready connection's queue holds the caller's commands; while connecting it holds
    // ioredis's handshake, which ioredis fails itself.
    if (self.status !== 'ready' && self.status !== 'monitoring') return;
    takeOverInFlight(redis, this.#inFlight);
    this.#refused.requeue(self);
  }
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
