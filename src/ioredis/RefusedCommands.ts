import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { markUnsent } from '../classify/unsent.js';
import type { IoredisInternals } from './ioredisInternals.js';
import type { QueuedCommand } from './sortInFlight.js';

/**
 * Commands a server refused unrun because it is a replica (a `READONLY` reply after a failover,
 * or from a replica a stale sentinel named): the client drops that connection, and they go first
 * on the next one. The reply is the lost connection's error.
 */
export class RefusedCommands {
  #items: QueuedCommand[] = [];
  #reply: Error | undefined;

  /** Keeps `item` when `error` is a READONLY reply; true when it did. */
  keep(error: Error, item: QueuedCommand): boolean {
    if (redisReplyPrefix(error) !== 'READONLY') return false;
    this.#items.push({ command: item.command, select: item.select });
    this.#reply ??= markUnsent(error);
    return true;
  }

  /** The READONLY reply that ended the connection, once (undefined when none did). */
  takeReply(): Error | undefined {
    const reply = this.#reply;
    this.#reply = undefined;
    return reply;
  }

  /** Puts the kept commands in front of ioredis's offline queue. */
  requeue(redis: IoredisInternals): void {
    if (this.#items.length === 0) return;
    const waiting = redis.offlineQueue.toArray();
    redis.resetOfflineQueue();
    for (const item of [...this.#items, ...waiting]) redis.offlineQueue.push(item);
    this.#items = [];
  }
}
