import type { Redis } from 'ioredis';
import type { QueuedCommand } from './sortInFlight.js';

/** The part of denque that ioredis's queues expose and holdfast uses. */
export interface CommandDeque {
  readonly length: number;
  push(item: QueuedCommand): number;
  peekFront(): QueuedCommand | undefined;
  toArray(): QueuedCommand[];
}

/**
 * The members of an ioredis 6 `Redis` that its type declarations call private and that holdfast
 * relies on: the extension points of its connection life (`setStatus`, called with every status
 * change; `flushQueue`, called with every failure of the queues) and the two queues. Every one
 * is pinned by spec/ioredis/ioredisInternals.spec.ts, so that an ioredis upgrade that changes
 * them fails there first.
 */
export interface IoredisInternals {
  status: string;
  /** True while a close asked for by `disconnect()` or QUIT is in progress. */
  readonly manuallyClosing: boolean;
  /** Commands written and not yet answered, oldest first. */
  readonly commandQueue: CommandDeque;
  /** Commands waiting for the connection to be ready, oldest first. */
  readonly offlineQueue: CommandDeque;
  readonly stream: { destroy(): void } | undefined;
  /** Sets `status` and emits it as an event on the next tick. */
  setStatus(status: string, arg?: unknown): void;
  /** Rejects the commands of the queues named in `options` (both by default) with `error`. */
  flushQueue(error: Error, options?: { offlineQueue?: boolean; commandQueue?: boolean }): void;
  resetCommandQueue(): void;
  /** Called by the data handler with an error reply: ioredis's `reconnectOnError` step. */
  handleReconnection(error: Error, item: QueuedCommand): void;
  resetOfflineQueue(): void;
}

/** `redis` seen with the members its types hide. */
export function internals(redis: Redis): IoredisInternals {
  return redis as unknown as IoredisInternals;
}
