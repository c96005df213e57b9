import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import type { ConnectionState } from '../connection/ConnectionState.js';
import type { StatePublisher } from '../connection/StatePublisher.js';
import type { Clock } from '../internal/Clock.js';
import { RetryDecider } from '../retry/RetryDecider.js';
import type { ClusterLink } from './ClusterLink.js';
import type { ResolvedRedisClusterOptions } from './resolveRedisClusterOptions.js';

/** The ioredis Cluster statuses that move holdfast's state. */
export type ClusterStatusEvent = 'connecting' | 'ready' | 'reconnecting' | 'end';

/**
 * The reconnect decisions of one cluster and the state they publish. ioredis asks
 * `clusterRetryStrategy` after every close of the cluster as a whole (no node reachable, the
 * slots could not be refreshed); holdfast's `RetryDecider` answers (the same decider, policy and
 * budget as every holdfast loop), and ioredis's status events move `state$` through the
 * transitions table. A connection lost while connected is retried at once (DESIGN.md).
 */
export class ClusterReconnects {
  readonly decider: RetryDecider;
  /** What callers get once the policy has given up (until the next cycle starts). */
  stopError: Error | undefined;
  readonly #clock: Clock;
  readonly #target: string;
  readonly #baseDelayMs: number;
  #publisher: StatePublisher<ClusterLink> | undefined;
  #isClosed: () => boolean = () => false;
  #restart: () => void = () => undefined;
  /** The last cycle used up its retries (not the deadline, budget or a fatal error). */
  #restartable = false;
  #cancelRestart: (() => void) | undefined;
  #attempt = 0;
  #cycleStart = 0;
  #previousDelayMs = 0;
  #epoch = 0;
  /** The next status event's meaning, decided by `delayFor` just before ioredis emits it. */
  #next:
    | { readonly type: 'lost'; readonly error: Error }
    | {
        readonly type: 'retry';
        readonly retry: number;
        readonly delayMs: number;
        readonly error: Error;
      }
    | undefined;

  constructor(resolved: ResolvedRedisClusterOptions) {
    this.#clock = resolved.clock;
    this.#target = resolved.targetName;
    this.#baseDelayMs = resolved.policy.baseDelayMs;
    this.decider = new RetryDecider({
      policy: resolved.policy,
      classifier: resolved.own.classifier ?? new ErrorClassifier({ tables: ['redis'] }),
      random: resolved.random,
      target: resolved.targetName,
      budget: resolved.own.budget,
    });
  }

  /**
   * Wires the publisher (created after ioredis's constructor, which already asks nothing).
   *
   * @param restart starts a new cycle (the cluster's `connect()`)
   */
  attach(
    publisher: StatePublisher<ClusterLink>,
    isClosed: () => boolean,
    restart: () => void,
  ): void {
    this.#publisher = publisher;
    this.#isClosed = isClosed;
    this.#restart = restart;
  }

  /** True when waiting calls may outlive the failed cycle (it used up its retries; ADR 0019). */
  get restartable(): boolean {
    return this.#restartable;
  }

  /** `clusterRetryStrategy`: the wait before ioredis connects again, or null to end. */
  delayFor(_times: number, reason: Error | undefined): number | null {
    const state = this.#publisher?.state;
    if (state === undefined || this.#isClosed()) return null;
    const error =
      reason ?? new Error(`The Redis cluster ${this.#target} closed: no node could be reached.`);
    if (state.status === 'connected') {
      this.#startCycle();
      this.#next = { type: 'lost', error };
      return 0;
    }
    const decision = this.decider.decide({
      error,
      attempt: this.#attempt,
      elapsedMs: this.#clock.now() - this.#cycleStart,
      previousDelayMs: this.#previousDelayMs,
      scope: 'connect',
      subject: `Connecting to ${this.#target}`,
    });
    if (decision.type === 'stop') {
      this.stopError = decision.thrown as Error;
      this.#restartable = decision.cause === 'retries';
      this.#next = undefined;
      return null;
    }
    this.#previousDelayMs = decision.delayMs;
    this.#next = { type: 'retry', retry: decision.retry, delayMs: decision.delayMs, error };
    return decision.delayMs;
  }

  /** An ioredis status event (emitted on the tick after the change). */
  onStatus(status: ClusterStatusEvent): void {
    const publisher = this.#publisher;
    if (publisher === undefined) return;
    const current = publisher.state.status;
    if (current === 'closed') return;
    switch (status) {
      case 'connecting':
        if (current === 'connecting') return;
        if (current === 'idle' || current === 'failed') this.#startCycle();
        this.#set({ status: 'connecting', attempt: (this.#attempt += 1) });
        return;
      case 'ready':
        if (current !== 'connecting') return;
        this.#set({
          status: 'connected',
          connection: { epoch: (this.#epoch += 1) },
          attempt: this.#attempt,
        });
        return;
      case 'reconnecting': {
        const next = this.#next;
        this.#next = undefined;
        if (next?.type === 'lost' && current === 'connected') {
          publisher.emit({ type: 'connection-lost', error: next.error });
          this.#set({ status: 'connecting', attempt: (this.#attempt = 1) });
        } else if (next?.type === 'retry' && current === 'connecting') {
          this.#set({
            status: 'retrying',
            retry: next.retry,
            delayMs: next.delayMs,
            error: next.error,
          });
        }
        return;
      }
      case 'end':
        if (this.#isClosed()) {
          this.close();
        } else if (current === 'connecting') {
          const error = this.stopError ?? new Error(`The Redis cluster ${this.#target} ended.`);
          this.stopError = error;
          publisher.emit({ type: 'gave-up', error, attempts: this.#attempt });
          this.#set({ status: 'failed', error });
          if (this.#restartable) this.#restartForWaiters(publisher);
        }
        return;
      default:
        return status satisfies never;
    }
  }

  /** After `close()`: `closed`, and the streams complete. */
  close(): void {
    this.#cancelRestart?.();
    const publisher = this.#publisher;
    if (publisher === undefined || publisher.state.status === 'closed') return;
    this.#set({ status: 'closed' });
    publisher.completeStates();
    publisher.completeEvents();
  }

  /**
   * As the single-node manager does (ConnectLoop, ADRs 0017 and 0019): `ready()` calls that the
   * failed cycle did not fail (they have not had a full chance yet) outlive it; the next cycle
   * starts after the base delay, unless one started sooner (a command, `connect()`) or the
   * cluster closed.
   */
  #restartForWaiters(publisher: StatePublisher<ClusterLink>): void {
    const waiting = publisher.waiters.size;
    if (waiting === 0) return;
    const delayMs = this.#baseDelayMs;
    publisher.emit({ type: 'restart-scheduled', delayMs, waiting });
    const handle = this.#clock.setTimeout(() => {
      this.#cancelRestart = undefined;
      if (publisher.state.status === 'failed' && publisher.waiters.size > 0) this.#restart();
    }, delayMs);
    this.#cancelRestart = () => {
      this.#cancelRestart = undefined;
      this.#clock.clearTimeout(handle);
    };
  }

  #startCycle(): void {
    this.#cancelRestart?.();
    this.#restartable = false;
    this.#attempt = 0;
    this.#previousDelayMs = 0;
    this.#cycleStart = this.#clock.now();
    this.stopError = undefined;
  }

  #set(state: ConnectionState<ClusterLink>): void {
    this.#publisher?.set(state);
  }
}
