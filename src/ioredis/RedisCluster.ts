import type * as Ioredis from 'ioredis';
import type {
  Cluster as IoredisCluster,
  ClusterNode,
  ClusterOptions,
  Command,
  Redis,
} from 'ioredis';
import type { Observable } from 'rxjs';
import type { ReplyMappingFromClusterOptions } from 'ioredis/built/types.js';
import type { ReadyOptions } from '../connection/ConnectionManagerOptions.js';
import type { ConnectionEvent } from '../connection/ConnectionEvent.js';
import type { ConnectionState } from '../connection/ConnectionState.js';
import { StatePublisher } from '../connection/StatePublisher.js';
import { readyRefusal, waitForOutcome } from '../connection/waitForOutcome.js';
import { nominalScheduleMs } from '../backoff/nominalScheduleMs.js';
import { ClosedError } from '../errors/ClosedError.js';
import { waitsAreInstant } from '../internal/instantMode.js';
import { requirePeer } from '../internal/requirePeer.js';
import type { RetryPolicy } from '../retry/RetryOptions.js';
import {
  type ClusterRetryDelays,
  type ClusterRetryHost,
  guardClusterCommand,
} from './clusterCommandRetry.js';
import { ClusterNodeStates, type NodeSource } from './ClusterNodeStates.js';
import { ClusterReconnects } from './ClusterReconnects.js';
import type { RedisNodeState } from './RedisNodeState.js';
import { idempotentView } from './idempotentView.js';
import {
  type RedisClusterOptions,
  resolveRedisClusterOptions,
} from './resolveRedisClusterOptions.js';

// Loaded, not imported: without ioredis installed, importing holdfast/ioredis says what to do.
const { Cluster } = requirePeer('ioredis', 'holdfast/ioredis') as typeof Ioredis;

import type { ClusterLink } from './ClusterLink.js';

export type { ClusterLink };

/** The members of ioredis's Cluster that its types call private and holdfast uses. */
interface ClusterInternals {
  flushQueue(error: Error): void;
}

/**
 * An ioredis `Cluster` with holdfast's policy on its reconnects and on its commands' retries
 * (docs/guides/scaling.md): the same object for its whole life, every command, pipeline and event
 * ioredis's own. holdfast adds `state$`, `events$`, `ready()` and `close()`, and owns the
 * decisions ioredis would take on fixed delays:
 * - the cluster's reconnect (`clusterRetryStrategy`): holdfast's retry policy (jittered backoff,
 *   `maxRetries`, `maxElapsedMs`, budget) decides whether and when; commands wait in the
 *   cluster's offline queue meanwhile;
 * - a command whose node connection closed, or that got CLUSTERDOWN or TRYAGAIN: retried under
 *   the re-send rules and the policy (a write that may have been applied fails with
 *   `OutcomeUnknownError`, never sent twice); MOVED and ASK are followed by ioredis.
 *
 * @throws {ConfigurationError} (constructor) an option holdfast owns, a malformed retry option
 * @example
 * const cluster = createRedisCluster([{ host: '127.0.0.1', port: 7000 }], { targetName: 'cache' });
 * await cluster.set('greeting', 'hello');
 * await cluster.close();
 */
export class RedisCluster extends Cluster {
  /** The target's name in states, errors and logs. */
  readonly targetName: string;
  /** The resolved retry policy (reconnects and command retries). */
  readonly policy: RetryPolicy;
  readonly #publisher: StatePublisher<ClusterLink>;
  readonly #reconnects: ClusterReconnects;
  readonly #nodes: ClusterNodeStates;
  readonly #host: ClusterRetryHost;
  readonly #guarded = new WeakSet<Command>();
  readonly #startupNodes: ClusterNode[];
  readonly #options: RedisClusterOptions;
  #closed: ClosedError | undefined;
  #idempotent: IoredisCluster | undefined;
  #closing: Promise<void> | undefined;

  constructor(startupNodes: ClusterNode[], options: RedisClusterOptions = {}) {
    const resolved = resolveRedisClusterOptions(options, describeNode(startupNodes[0]));
    const reconnects = new ClusterReconnects(resolved);
    super(startupNodes, {
      ...resolved.ioredis,
      clusterRetryStrategy: (times: number, reason?: Error) => reconnects.delayFor(times, reason),
    } as ClusterOptions & { redisOptions?: { replyMapping?: 'legacy' } });
    this.targetName = resolved.targetName;
    this.policy = resolved.policy;
    this.#startupNodes = startupNodes;
    this.#options = options;
    this.#reconnects = reconnects;
    this.#publisher = new StatePublisher<ClusterLink>(resolved.targetName, () => undefined);
    reconnects.attach(
      this.#publisher,
      () => this.#closed !== undefined,
      () => {
        this.connect().catch(() => undefined);
      },
    );
    this.#host = {
      decider: reconnects.decider,
      clock: resolved.clock,
      targetName: resolved.targetName,
      // ioredis reads these options each time it queues a retry (pinned by a spec).
      delays: this.options as unknown as ClusterRetryDelays,
      written: new WeakSet<Command>(),
    };
    this.#nodes = new ClusterNodeStates(this as unknown as NodeSource);
    for (const status of ['connecting', 'ready', 'reconnecting', 'end'] as const) {
      this.on(status, () => {
        reconnects.onStatus(status);
      });
    }
    this.on('end', () => {
      if (this.#closed !== undefined) this.#nodes.complete();
    });
    this.on('+node', (node: Redis) => {
      this.#markWrites(node);
    });
    // Without a listener ioredis prints every error; the state carries them instead.
    this.on('error', () => undefined);
    const own = this as unknown as ClusterInternals;
    const flush = own.flushQueue.bind(this);
    // When holdfast's policy gives up, what waited fails with the policy's error.
    own.flushQueue = (error: Error) => {
      flush(this.#closed ?? reconnects.stopError ?? error);
    };
  }

  /** The cluster's state as a whole, replayed to each subscriber; completes after `close()`. */
  get state$(): Observable<ConnectionState<ClusterLink>> {
    return this.#publisher.state$;
  }

  /** State changes and reconnect decisions as they happen. */
  get events$(): Observable<ConnectionEvent<ClusterLink>> {
    return this.#publisher.events$;
  }

  get state(): ConnectionState<ClusterLink> {
    return this.#publisher.state;
  }

  /**
   * The state of each node connection, keyed `host:port` as ioredis keys its nodes (`+node`,
   * `cluster.nodes()`); a new map on every change, replayed to each subscriber; completes after
   * `close()`. A node's own `ready()`:
   * `firstValueFrom(cluster.nodeStates$.pipe(filter((m) => m.get(key)?.status === 'connected')))`.
   *
   * @example
   * cluster.nodeStates$.subscribe((nodes) => {
   *   for (const [key, node] of nodes) console.log(key, node.role, node.status);
   * });
   */
  get nodeStates$(): Observable<ReadonlyMap<string, RedisNodeState>> {
    return this.#nodes.states$;
  }

  /** The node connections' states now (a snapshot; `nodeStates$` for changes). */
  get nodeStates(): ReadonlyMap<string, RedisNodeState> {
    return this.#nodes.states;
  }

  /**
   * This cluster, for commands the caller vouches may run twice: one sent through it is retried
   * after its node connection closed instead of failing with `OutcomeUnknownError`.
   *
   * @example
   * await cluster.idempotent.evalsha(sha, 1, 'lock:a', token); // a script safe to repeat
   */
  get idempotent(): IoredisCluster {
    return (this.#idempotent ??= idempotentView<IoredisCluster>(this));
  }

  /**
   * Resolves once the cluster is ready (slots known), connecting if needed.
   *
   * @throws {RetriesExhaustedError} holdfast's policy gave up (`cause` = last error)
   * @throws {AbortedError} `signal` fired or `timeoutMs` passed
   * @throws {ClosedError} the cluster was closed
   */
  async ready(options?: ReadyOptions): Promise<this> {
    const refusal = readyRefusal(options);
    if (refusal !== undefined) throw refusal;
    if (this.#closed !== undefined) throw this.#closed;
    if (this.status === 'wait' || this.status === 'end') this.connect().catch(() => undefined);
    const publisher = this.#publisher;
    const reconnects = this.#reconnects;
    const closed = (): Error => this.#closed ?? new ClosedError(`${this.targetName} is closed.`);
    await waitForOutcome(
      {
        name: this.targetName,
        get state() {
          return publisher.state;
        },
        waiters: publisher.waiters,
        clock: this.#host.clock,
        closedError: closed,
        // A call fails after a full chance (ADR 0019), its limit the policy's nominal schedule.
        waitLimitMs: waitsAreInstant() ? 0 : nominalScheduleMs(this.policy),
        mayRestart: () => reconnects.restartable,
      },
      options,
    );
    return this;
  }

  /**
   * A new holdfast cluster with the same startup nodes, options and policy, `overrideOptions`
   * applied (ioredis's own would build a plain `Cluster` driven by this one's reconnect
   * decisions). `RedisSharedStore` subscribes on one.
   *
   * @throws {ConfigurationError} an override holdfast owns
   */
  override duplicate<Override extends Partial<RedisClusterOptions> | undefined = undefined>(
    overrideStartupNodes: ClusterNode[] = [],
    overrideOptions?: Override,
  ): RedisCluster & IoredisCluster<ReplyMappingFromClusterOptions<'legacy', Override>> {
    const nodes = overrideStartupNodes.length > 0 ? overrideStartupNodes : this.#startupNodes;
    const copy = new RedisCluster(nodes, { ...this.#options, ...overrideOptions });
    return copy as RedisCluster &
      IoredisCluster<ReplyMappingFromClusterOptions<'legacy', Override>>;
  }

  /** Quits every node and ends the cluster: waiting commands fail with `ClosedError`. Idempotent. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = new ClosedError(
      `The Redis cluster ${this.targetName} is closed; create a new one to connect again.`,
    );
    this.#closing = (async () => {
      if (this.status === 'ready') await this.quit().catch(() => undefined);
      this.disconnect();
      this.#reconnects.close();
    })();
    return this.#closing;
  }

  /**
   * ioredis's one door for commands: holdfast's guard goes between each command and ioredis's
   * error routing (see `guardClusterCommand`). A command after the policy gave up starts a new
   * cycle, as a new `ready()` does.
   */
  override sendCommand(command: Command, stream?: unknown, node?: unknown): unknown {
    const send = (super.sendCommand as (c: Command, s?: unknown, n?: unknown) => unknown).bind(
      this,
    );
    if (stream !== undefined || node !== undefined || this.#guarded.has(command)) {
      return send(command, stream, node);
    }
    this.#guarded.add(command);
    if (this.status === 'end' && this.#closed === undefined) this.connect().catch(() => undefined);
    const settle = command.reject;
    const result = send(command, stream, node);
    const route = command.reject;
    if (route !== settle) {
      command.reject = guardClusterCommand(
        command,
        this.#host,
        (error) => {
          settle.call(command, error as Error);
        },
        (error) => {
          route.call(command, error);
        },
      );
    }
    return result;
  }

  /** Notes which commands a node has written to its socket (not merely queued). */
  #markWrites(node: Redis): void {
    const written = this.#host.written;
    const send = node.sendCommand.bind(node);
    // Read at each call: ioredis replaces the queue on every connect.
    const self = node as unknown as {
      commandQueue: { peekBack(): { command: Command } | undefined };
    };
    node.sendCommand = (command: Command, stream?: unknown) => {
      const result = send(command, stream as never);
      if (self.commandQueue.peekBack()?.command === command) written.add(command);
      return result;
    };
  }
}

function describeNode(node: ClusterNode | undefined): string {
  if (node === undefined) return '(no node)';
  if (typeof node === 'object') return `${node.host ?? '127.0.0.1'}:${node.port ?? 6379}`;
  return String(node);
}
