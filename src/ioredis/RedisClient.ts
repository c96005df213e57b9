import { inspect } from 'node:util';
import type * as Ioredis from 'ioredis';
import type { Callback, Command, Redis, RedisOptions } from 'ioredis';
import type { ReplyMappingFromOptions, WriteableStream } from 'ioredis/built/types.js';
import type { Observable } from 'rxjs';
import type { ConnectionEvent } from '../connection/ConnectionEvent.js';
import type { ReadyOptions } from '../connection/ConnectionManagerOptions.js';
import type { ConnectionState } from '../connection/ConnectionState.js';
import { requirePeer } from '../internal/requirePeer.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import { idempotentView } from './idempotentView.js';
import { internals } from './ioredisInternals.js';
import type { RedisClientOptions } from './RedisClientOptions.js';
import { RedisLinkKeeper } from './RedisLinkKeeper.js';
import type { RedisLink } from './redisManagerOptions.js';
import { resolveRedisClientOptions } from './resolveRedisClientOptions.js';
import type { QueuedCommand } from './sortInFlight.js';

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

  readonly #options: RedisClientOptions;
  readonly #wiring: RedisClientWiring;
  readonly #keeper: RedisLinkKeeper;
  #idempotent: Redis | undefined;

  /** @param wiring internal: used by `getRedisClient` and `duplicate()` */
  constructor(options: RedisClientOptions = {}, wiring: RedisClientWiring = {}) {
    const resolved = resolveRedisClientOptions(options, wiring.fromEnvUrl ?? false);
    // ioredis types `replyMapping` without `| undefined`, which exactOptionalPropertyTypes
    // rejects for an options object typed RedisOptions; the value itself passes through.
    super(resolved.ioredis as RedisOptions & { replyMapping?: 'legacy' });
    this.#options = options;
    this.#wiring = wiring;
    this.targetName = resolved.targetName;
    this.#keeper = new RedisLinkKeeper(
      {
        redis: this,
        connect: () => super.connect(),
        disconnect: (reconnect) => {
          super.disconnect(reconnect);
        },
        base,
        newCommand: (name) => new ioredis.Command(name),
        onEnd: () => wiring.onClose?.(),
      },
      resolved,
    );
    this.policy = this.#keeper.manager.policy;
    // Without a listener ioredis prints every error to the console; with one, the error that
    // made `connect()` fail is reported instead of "Connection is closed.".
    this.on('error', (error: unknown) => {
      this.#keeper.onError(error);
    });
  }

  /** The connection's state, replayed to each subscriber; completes after `close()`. */
  get state$(): Observable<ConnectionState<RedisLink>> {
    return this.#keeper.manager.state$;
  }

  /** Attempts, retries, losses and state changes as they happen. */
  get events$(): Observable<ConnectionEvent<RedisLink>> {
    return this.#keeper.manager.events$;
  }

  /** The current state (a snapshot; `state$` for changes). */
  get state(): ConnectionState<RedisLink> {
    return this.#keeper.manager.state;
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
    return (this.#idempotent ??= idempotentView<Redis>(this));
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
    this.#keeper.reopenIfEnded();
    await this.#keeper.manager.ready(options);
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
    if (this.status !== 'ready' && #keeper in this) this.#keeper.demandConnection();
    return super.sendCommand(command, stream);
  }

  /** ioredis's `disconnect()`; without `reconnect`, it ends holdfast's loop too (`connect()` restarts it). */
  override disconnect(reconnect = false): void {
    if (!reconnect && this.#keeper.closed === undefined) this.#keeper.endByUser();
    super.disconnect(reconnect);
  }

  /**
   * A new holdfast client with the same options and policy, `override` applied (ioredis options
   * such as `connectionName`, `db`, `maxRetriesPerRequest: null`, or holdfast's own). ioredis's
   * `monitor()` gets its MONITOR connection from here too: a holdfast client in `monitoring`
   * status (spec/integration/redisMonitor.spec.ts).
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
    return this.#keeper.close();
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

  static {
    // ioredis's types call these private, so they are installed on this subclass's prototype
    // (never on ioredis's): every status change, error reply and queue failure passes through
    // them, and the keeper decides (RedisLinkKeeper).
    Object.defineProperties(RedisClient.prototype, {
      setStatus: {
        value(this: RedisClient, status: string, arg?: unknown): void {
          if (#keeper in this && this.#keeper.onStatus(status)) return;
          base.setStatus.call(this, status, arg);
        },
        writable: true,
        configurable: true,
      },
      handleReconnection: {
        value(this: RedisClient, error: Error, item: QueuedCommand): void {
          if (#keeper in this && this.#keeper.onReplyError(error, item)) return;
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
          if (#keeper in this) this.#keeper.flushQueue(error, options);
          else base.flushQueue.call(this, error, options);
        },
        writable: true,
        configurable: true,
      },
    });
  }
}
