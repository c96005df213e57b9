import { inspect } from 'node:util';
import type * as Ioredis from 'ioredis';
import type { Callback, Command, Redis, RedisOptions } from 'ioredis';
import type { ReplyMappingFromOptions, WriteableStream } from 'ioredis/built/types.js';
import { type Observable, Subject, defer, filter, map, of } from 'rxjs';
import { ConnectionManager } from '../connection/ConnectionManager.js';
import type { ConnectionEvent } from '../connection/ConnectionEvent.js';
import type { ReadyOptions } from '../connection/ConnectionManagerOptions.js';
import type { ConnectionState } from '../connection/ConnectionState.js';
import { ClosedError } from '../errors/ClosedError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { requirePeer } from '../internal/requirePeer.js';
import { safeInvoke } from '../internal/safeInvoke.js';
import { abortReason } from '../internal/sleep.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import type { Logger } from '../telemetry/Logger.js';
import { describeError } from '../telemetry/redact.js';
import { safeLogger } from '../telemetry/safeLogger.js';
import { adviseOnAuthFailure } from './adviseOnAuthFailure.js';
import { CommandWatchdog } from './CommandWatchdog.js';
import { fromIoredisError } from './fromIoredisError.js';
import { idempotentView } from './idempotentView.js';
import { internals } from './ioredisInternals.js';
import type { RedisClientOptions } from './RedisClientOptions.js';
import { lostConnectionError } from './lostConnectionError.js';
import { quitThenDrop } from './quitThenDrop.js';
import type { RedisConnectionError } from './RedisConnectionError.js';
import { type RedisLink, redisManagerOptions } from './redisManagerOptions.js';
import {
  type ResolvedRedisClientOptions,
  resolveRedisClientOptions,
} from './resolveRedisClientOptions.js';
import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { markUnsent } from '../classify/unsent.js';
import type { QueuedCommand } from './sortInFlight.js';
import { type InFlightContext, takeOverInFlight } from './takeOverInFlight.js';

// Loaded with require(), not imported: without ioredis installed, importing holdfast/ioredis says
// what to do; and the OpenTelemetry ioredis instrumentation patches Redis.prototype through a
// require hook only, which this load goes through (an ESM import would not, without a loader).
const ioredis = requirePeer('ioredis', 'holdfast/ioredis') as typeof Ioredis;
const base = internals(ioredis.Redis.prototype as Redis);

/** Internal wiring (process-wide clients); not part of the public options. */
export interface RedisClientWiring {
  /** Read `REDIS_URL` when `url` is not given. */
  readonly fromEnvUrl?: boolean;
  /** Told once when the client closes (the registry forgets it). */
  readonly onClose?: () => void;
}

/**
 * An ioredis `Redis` whose connection holdfast keeps (docs/guides/ioredis.md, ADR 0012): every
 * command, `pipeline()`, `multi()`, `defineCommand`, `scanStream`, pub/sub, event and `status`
 * is ioredis's own, on this one instance for its whole life. holdfast adds `state$`, `events$`,
 * `ready()`, `close()` and `idempotent`, and owns the reconnect decision: ioredis's own
 * `retryStrategy` is off, and a `ConnectionManager` (one loop, jittered backoff, budget, breaker,
 * a span per attempt) calls `connect()` again on this instance. Meanwhile commands wait in
 * ioredis's offline queue (status `reconnecting`), bounded by the policy: when a cycle gives up
 * they fail with its error. A command in flight when the connection is lost is sent again only
 * when that is safe (a read, an idempotent write by the command table, a `readOnly` script, or
 * one sent through `client.idempotent`); otherwise it fails with `OutcomeUnknownError`.
 *
 * @throws {ConfigurationError} (constructor) an ioredis option holdfast owns, a malformed URL,
 *   duration or retry option
 * @example
 * const client = createRedisClient({ url: 'redis://127.0.0.1:6379' });
 * await client.set('greeting', 'hello');
 * const value = await client.get('greeting');
 * await client.close();
 */
export class RedisClient extends ioredis.Redis {
  /** The target's name in states, errors, spans and logs. */
  readonly targetName: string;
  /** The resolved retry policy of the reconnect loop. */
  readonly policy: RetryPolicy;

  #resolved: ResolvedRedisClientOptions;
  readonly #options: RedisClientOptions;
  readonly #wiring: RedisClientWiring;
  readonly #clock: Clock;
  /** The user's logger, redacting (and pino-aware); undefined without one. */
  readonly #logger: Logger | undefined;
  readonly #watchdog: CommandWatchdog;
  readonly #linkLost = new Subject<{ link: RedisLink; error: Error }>();
  #manager: ConnectionManager<RedisLink>;
  #link: RedisLink | undefined;
  #epoch = 0;
  #lastError: unknown;
  #timedOut = false;
  /** Set by `close()`: nothing reconnects any more. */
  #closed: ClosedError | undefined;
  #closing: Promise<void> | undefined;
  /** Set while a `disconnect()` / QUIT of the user ends the client (until `connect()`). */
  #endedByUser = false;
  #idempotent: Redis | undefined;
  /** Commands a node refused unrun because it is the wrong one (READONLY): sent again first. */
  #refused: QueuedCommand[] = [];
  /** The reply that made holdfast drop a ready connection (READONLY), the loss's error. */
  #refusedBy: Error | undefined;
  readonly #inFlight: InFlightContext;

  /** @param wiring internal: used by `getRedisClient` and `duplicate()` */
  constructor(options: RedisClientOptions = {}, wiring: RedisClientWiring = {}) {
    const resolved = resolveRedisClientOptions(options, wiring.fromEnvUrl ?? false);
    // ioredis types `replyMapping` without `| undefined`, which exactOptionalPropertyTypes
    // rejects for an options object typed RedisOptions; the value itself passes through.
    super(resolved.ioredis as RedisOptions & { replyMapping?: 'legacy' });
    this.#resolved = resolved;
    this.#options = options;
    this.#wiring = wiring;
    this.targetName = resolved.targetName;
    this.#clock = resolved.own.clock ?? systemClock;
    this.#logger = resolved.own.logger === undefined ? undefined : safeLogger(resolved.own.logger);
    this.#inFlight = {
      targetName: this.targetName,
      logger: this.#logger,
      closeError: (command) => this.#closeError(command),
      newCommand: (name) => new ioredis.Command(name),
    };
    this.#watchdog = new CommandWatchdog(this, {
      clock: this.#clock,
      commandTimeoutMs: resolved.commandTimeoutMs,
      healthCheckIntervalMs: resolved.healthCheckIntervalMs,
      onTimeout: () => {
        this.#timedOut = true;
        this.#dropSocket();
      },
    });
    this.#manager = this.#newManager();
    this.policy = this.#manager.policy;
    // Without a listener ioredis prints every error to the console; with one, the error that
    // made `connect()` fail is reported instead of "Connection is closed.".
    this.on('error', (error: unknown) => {
      this.#lastError = error;
      const logger = this.#logger;
      if (logger?.debug !== undefined) {
        safeInvoke(() =>
          logger.debug?.(`ioredis error on ${this.targetName}: ${describeError(error)}`, {
            target: this.targetName,
          }),
        );
      }
    });
  }

  /** The connection's state, replayed to each subscriber; completes after `close()`. */
  get state$(): Observable<ConnectionState<RedisLink>> {
    return this.#manager.state$;
  }

  /** Attempts, retries, losses and state changes as they happen. */
  get events$(): Observable<ConnectionEvent<RedisLink>> {
    return this.#manager.events$;
  }

  /** The current state (a snapshot; `state$` for changes). */
  get state(): ConnectionState<RedisLink> {
    return this.#manager.state;
  }

  /**
   * This client, for commands the caller vouches may run twice: a command, pipeline, MULTI or
   * script sent through it is sent again after a lost connection instead of failing with
   * `OutcomeUnknownError`. Not for listeners (`on`) or `enableAutoPipelining`.
   *
   * @example
   * await client.idempotent.evalsha(sha, 1, 'lock:a', token); // a script safe to repeat
   */
  get idempotent(): Redis {
    return (this.#idempotent ??= idempotentView(this));
  }

  /**
   * Resolves once connected, connecting if needed; concurrent callers share one loop.
   *
   * @throws {RetriesExhaustedError} the connect attempts were used up (`cause` = last error)
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed (the loop goes on for others)
   * @throws {ClosedError} the client was closed
   * @throws the fatal error itself (a wrong password: `ReplyError` WRONGPASS), after one attempt
   */
  async ready(options?: ReadyOptions): Promise<this> {
    this.#reopenIfEnded();
    await this.#manager.ready(options);
    return this;
  }

  /**
   * ioredis's `connect()`, answered by holdfast's loop: resolves once connected (also when
   * already connected or connecting), rejects as `ready()`. After `disconnect()` or `quit()` it
   * connects the same instance again; after `close()` it rejects with `ClosedError`.
   */
  override connect(callback?: Callback<void>): Promise<void> {
    const promise = this.ready().then(() => undefined);
    if (callback !== undefined) {
      promise.then(
        () => {
          callback(null);
        },
        (error: unknown) => {
          callback(error as Error);
        },
      );
    }
    return promise;
  }

  /**
   * ioredis's `sendCommand`, the one door of every command, pipeline and MULTI: a command that
   * must wait for a connection makes sure holdfast's loop is running (ioredis queues it).
   */
  override sendCommand(command: Command, stream?: WriteableStream): unknown {
    if (this.status !== 'ready' && #manager in this) this.#demandConnection();
    return super.sendCommand(command, stream);
  }

  /** ioredis's `disconnect()`; without `reconnect`, it ends holdfast's loop too (`connect()` restarts it). */
  override disconnect(reconnect = false): void {
    if (!reconnect && this.#closed === undefined) this.#endByUser();
    super.disconnect(reconnect);
  }

  /**
   * A new holdfast client with the same options and policy, `override` applied (ioredis options
   * such as `connectionName`, `db`, `maxRetriesPerRequest: null`, or holdfast's own). ioredis's
   * `monitor()` gets its MONITOR connection from here too.
   *
   * @throws {ConfigurationError} an override holdfast owns
   */
  override duplicate<Override extends Partial<RedisOptions> | undefined = undefined>(
    override?: Override,
  ): RedisClient & Redis<ReplyMappingFromOptions<'legacy', Override>> {
    // ioredis's monitor() asks for `lazyConnect: false` (connect now); holdfast owns the option.
    const { lazyConnect, ...rest } = override ?? {};
    const { fromEnvUrl } = this.#wiring;
    const copy = new RedisClient(
      { ...this.#options, ...(rest as RedisClientOptions) },
      fromEnvUrl === undefined ? {} : { fromEnvUrl },
    );
    if (lazyConnect === false) copy.connect().catch(() => undefined);
    return copy as RedisClient & Redis<ReplyMappingFromOptions<'legacy', Override>>;
  }

  /**
   * Closes the client: commands waiting for a connection reject with `ClosedError`, the
   * connection is QUIT (bounded by `quitTimeoutMs`) and dropped; no timer is left. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = new ClosedError(
      `The Redis client ${this.targetName} is closed; create a new one to connect again.`,
    );
    this.#wiring.onClose?.();
    this.#closing = this.#manager.close().then(() => {
      this.#watchdog.stop();
      this.#failWaiting(this.#closed ?? new Error('closed'));
      if (this.status !== 'end') base.setStatus.call(this, 'end');
    });
    return this.#closing;
  }

  /** `RedisClient redis-cache (ready)`: never the options, which hold the password. */
  override toString(): string {
    return `RedisClient ${this.targetName} (${this.status})`;
  }

  toJSON(): { targetName: string; status: string } {
    return { targetName: this.targetName, status: this.status };
  }

  [inspect.custom](): string {
    return this.toString();
  }

  #newManager(): ConnectionManager<RedisLink> {
    const manager = new ConnectionManager<RedisLink>(
      redisManagerOptions(this.#resolved, {
        connect: (signal) => this.#open(signal),
        disconnect: (link) => this.#drop(link),
        lost: (link) => this.#lostOf(link),
      }),
    );
    manager.state$.subscribe((state) => {
      if (this.#manager !== manager) return;
      if (state.status === 'retrying' && this.status === 'reconnecting') {
        this.emit('reconnecting', state.delayMs);
      } else if (state.status === 'failed') {
        // The cycle gave up: what waited fails with its error, and the next command (or
        // connect()) starts a new cycle, as ioredis's `wait` status means.
        this.#failWaiting(state.error);
        base.setStatus.call(this, 'wait');
      }
    });
    return manager;
  }

  /** One connect attempt of the manager: ioredis's own `connect()` on this same instance. */
  async #open(signal: AbortSignal): Promise<RedisLink> {
    if (signal.aborted) throw abortReason(signal);
    this.#lastError = undefined;
    const onAbort = (): void => {
      this.#dropSocket();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await super.connect();
    } catch (error) {
      // Read again: the abort may have come while connecting.
      if (isAborted(signal)) throw abortReason(signal);
      // connect() rejects with "Connection is closed." whatever happened; the `error` event
      // before it says what did (ECONNREFUSED, WRONGPASS ...).
      throw adviseOnAuthFailure(fromIoredisError(this.#lastError ?? error, 'connect'));
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    const link = { epoch: (this.#epoch += 1) };
    this.#link = link;
    this.#timedOut = false;
    this.#watchdog.start();
    return link;
  }

  /** The manager no longer wants `link` (close, a superseded attempt). Never rejects. */
  async #drop(link: RedisLink): Promise<void> {
    if (this.#link !== link) return;
    this.#link = undefined;
    this.#watchdog.stop();
    if (this.#endedByUser) return;
    if (this.#closed === undefined || this.status !== 'ready') {
      this.#dropSocket();
      return;
    }
    // close(): QUIT bounded by quitTimeoutMs, then the socket; resolves once the instance ended.
    await quitThenDrop(this, this.#clock, this.#resolved.quitTimeoutMs, () => {
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
        : of(this.#closeError('connection')),
    );
  }

  /** Drops the socket now (a dead peer never answers the FIN that `disconnect()` waits for). */
  #dropSocket(): void {
    if (this.status !== 'end' && this.status !== 'wait' && this.status !== 'reconnecting') {
      super.disconnect(true);
    }
    internals(this).stream?.destroy();
  }

  /** A command waits: start a cycle unless one runs (or the client ended). */
  #demandConnection(): void {
    const status = this.#manager.state.status;
    if (
      (status === 'idle' || status === 'failed') &&
      this.#closed === undefined &&
      !this.#endedByUser
    ) {
      this.#manager.ready().catch(() => undefined);
    }
  }

  #endByUser(): void {
    if (this.#endedByUser) return;
    this.#endedByUser = true;
    this.#wiring.onClose?.();
    this.#watchdog.stop();
    this.#link = undefined;
    void this.#manager.close();
    const status = this.status;
    if (status === 'reconnecting' || status === 'wait') {
      // No socket, so ioredis will not run its close handler: end here as it would.
      base.setStatus.call(this, 'end');
      base.flushQueue.call(this, new Error('Connection is closed.'));
    }
  }

  #reopenIfEnded(): void {
    if (this.#closed !== undefined) throw this.#closed;
    if (!this.#endedByUser) return;
    this.#endedByUser = false;
    this.#manager = this.#newManager();
  }

  /** Rejects the commands waiting in the offline queue with `error`. */
  #failWaiting(error: Error): void {
    base.flushQueue.call(this, error, { offlineQueue: true, commandQueue: false });
  }

  /** What a command in flight (or the link) failed with when the connection was lost. */
  #closeError(command: string): RedisConnectionError {
    return lostConnectionError(
      {
        targetName: this.targetName,
        timedOut: this.#timedOut,
        commandTimeoutMs: this.#resolved.commandTimeoutMs,
        cause: this.#lastError,
      },
      command,
    );
  }

  /**
   * ioredis is closing the socket (`setStatus('close')`, first step of its close handler, before
   * it looks at its queues). Unless the user or `close()` ended the client, holdfast takes the
   * unanswered commands out of ioredis's hands: safe ones go to the front of the offline queue
   * (sent again once reconnected), the others fail with `OutcomeUnknownError`.
   */
  #onSocketClose(): void {
    const self = internals(this);
    if (self.manuallyClosing && this.#closed === undefined) this.#endByUser();
    if (this.#endedByUser || this.#closed !== undefined) return;
    this.#watchdog.stop();
    const lost = this.#link;
    this.#link = undefined;
    if (lost !== undefined) {
      const error = this.#refusedBy ?? this.#closeError('connection');
      this.#refusedBy = undefined;
      // After ioredis's close handler has run: the manager then reconnects at once.
      process.nextTick(() => {
        this.#linkLost.next({ link: lost, error });
      });
    }
    // Only a ready connection's queue holds the caller's commands; while connecting it holds
    // ioredis's handshake, which ioredis fails itself.
    if (self.status !== 'ready' && self.status !== 'monitoring') return;
    takeOverInFlight(this, this.#inFlight);
    if (this.#refused.length > 0) {
      const waiting = self.offlineQueue.toArray();
      self.resetOfflineQueue();
      for (const item of [...this.#refused, ...waiting]) self.offlineQueue.push(item);
      this.#refused = [];
    }
  }

  /** True while holdfast's loop will connect again after this close. */
  #reconnects(): boolean {
    return this.#closed === undefined && !this.#endedByUser;
  }

  static {
    // ioredis's types call these private, so they are installed on this subclass's prototype
    // (never on ioredis's): every status change and every queue failure passes through them.
    Object.defineProperties(RedisClient.prototype, {
      setStatus: {
        value(this: RedisClient, status: string, arg?: unknown): void {
          if (#manager in this) {
            if (status === 'close') this.#onSocketClose();
            else if (status === 'end' && this.#reconnects()) {
              // ioredis gave up (its retryStrategy is off); holdfast's loop has not: commands
              // keep waiting in the offline queue, as during ioredis's own reconnect wait. A
              // socket that closes after the cycle gave up leaves `wait` (connect on demand).
              internals(this).status =
                this.#manager.state.status === 'failed' ? 'wait' : 'reconnecting';
              return;
            }
          }
          base.setStatus.call(this, status, arg);
        },
        writable: true,
        configurable: true,
      },
      handleReconnection: {
        // A READONLY reply: the node is a replica (a failover, a stale sentinel). The command
        // was refused unrun, so it is sent again, first, on the connection holdfast makes now.
        value(this: RedisClient, error: Error, item: QueuedCommand): void {
          if (
            #manager in this &&
            this.#reconnects() &&
            this.status === 'ready' &&
            redisReplyPrefix(error) === 'READONLY'
          ) {
            this.#refused.push({ command: item.command, select: item.select });
            this.#refusedBy ??= markUnsent(error);
            this.#dropSocket();
            return;
          }
          base.handleReconnection.call(this, error, item);
        },
        writable: true,
        configurable: true,
      },
      flushQueue: {
        value(
          this: RedisClient,
          error: Error,
          options?: { offlineQueue?: boolean; commandQueue?: boolean },
        ): void {
          if (#manager in this && this.#reconnects()) {
            // Still reconnecting: what waits for the connection keeps waiting.
            base.flushQueue.call(this, error, { ...options, offlineQueue: false });
            return;
          }
          if (#manager in this && this.#closed !== undefined && options?.offlineQueue !== false) {
            base.flushQueue.call(this, this.#closed, { offlineQueue: true, commandQueue: false });
          }
          base.flushQueue.call(this, error, options);
        },
        writable: true,
        configurable: true,
      },
    });
  }
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
