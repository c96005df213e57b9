import type { Clock, TimerHandle } from '../internal/Clock.js';
import { isBlockingCommand } from './commandTable.js';

/** What the watchdog reads of the ioredis instance it watches. */
export interface WatchedInstance {
  readonly status: string;
  /** ioredis's queue of written, unanswered commands (a denque). */
  readonly commandQueue: {
    peekFront():
      { readonly command: { readonly name: string; readonly args: unknown[] } } | undefined;
  };
  ping(): Promise<unknown>;
}

export interface CommandWatchdogOptions {
  readonly clock: Clock;
  /** No reply for this long while commands wait: the link is dead. 0: off (health check too). */
  readonly commandTimeoutMs: number;
  /** An idle link is PINGed this often; 0: never. */
  readonly healthCheckIntervalMs: number;
  /** The link is dead: called once per `start()`. */
  readonly onTimeout: () => void;
}

/** The watchdog counts in quarters of `commandTimeoutMs`: a dead link is seen within 1.25x it. */
const ticksPerTimeout = 4;

/**
 * Notices a dead connection that never closes (a blackhole, a frozen host): it reads ioredis's
 * queue of commands written and not yet answered, so it covers every command, pipeline and MULTI
 * and costs the hot path nothing. Replies come in order: when the oldest unanswered command is
 * the same as at the previous tick, no reply arrived in between. `ticksPerTimeout` such ticks in
 * a row is `commandTimeoutMs` without a reply (a blocking command at the head waits
 * legitimately). An idle connection is PINGed every `healthCheckIntervalMs`.
 */
export class CommandWatchdog {
  readonly #redis: WatchedInstance;
  readonly #options: CommandWatchdogOptions;
  readonly #tickMs: number;
  readonly #healthTicks: number;
  #timer: TimerHandle = undefined;
  #headAtTick: unknown = undefined;
  #stalledTicks = 0;
  #idleTicks = 0;

  constructor(redis: WatchedInstance, options: CommandWatchdogOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#tickMs = options.commandTimeoutMs / ticksPerTimeout;
    this.#healthTicks =
      options.healthCheckIntervalMs > 0 && options.commandTimeoutMs > 0
        ? Math.max(1, Math.ceil(options.healthCheckIntervalMs / this.#tickMs))
        : 0;
  }

  /** Starts watching (after a connection became ready). */
  start(): void {
    this.stop();
    if (this.#options.commandTimeoutMs <= 0) return;
    this.#headAtTick = undefined;
    this.#stalledTicks = 0;
    this.#idleTicks = 0;
    this.#schedule();
  }

  stop(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const timer = this.#options.clock.setTimeout(() => {
      this.#tick();
    }, this.#tickMs);
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.#timer = timer;
  }

  #tick(): void {
    this.#timer = undefined;
    const redis = this.#redis;
    if (redis.status !== 'ready') return;
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
      this.#options.onTimeout();
      return;
    }
    if (this.#healthTicks > 0 && this.#idleTicks >= this.#healthTicks) {
      this.#idleTicks = 0;
      // Its failure is the watchdog's business (no reply) or the close handler's.
      redis.ping().catch(() => undefined);
    }
    this.#schedule();
  }
}
