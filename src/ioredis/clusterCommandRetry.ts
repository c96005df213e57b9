import type { Command } from 'ioredis';
import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { isUnsent, markUnsent } from '../classify/unsent.js';
import { errorCode } from '../classify/errorFields.js';
import type { Clock } from '../internal/Clock.js';
import type { RetryDecider } from '../retry/RetryDecider.js';
import { fromIoredisError } from './fromIoredisError.js';
import { isSafeToResend } from './isSafeToResend.js';

/**
 * The `ClusterOptions` whose waits holdfast sets for each retry: ioredis reads them when it
 * queues a command for another try (cluster/index.ts `handleError`).
 */
export interface ClusterRetryDelays {
  retryDelayOnFailover: number;
  retryDelayOnClusterDown: number;
  retryDelayOnTryAgain: number;
}

/** What the guard of one cluster command needs from its cluster. */
export interface ClusterRetryHost {
  readonly decider: RetryDecider;
  readonly clock: Clock;
  readonly targetName: string;
  /** The cluster's live options object. */
  readonly delays: ClusterRetryDelays;
  /** Commands written to a node's socket since they were last dispatched. */
  readonly written: WeakSet<Command>;
}

/** Which option paces a retry after each kind of error ioredis retries itself. */
const delayOptionOf = {
  'connection-closed': 'retryDelayOnFailover',
  CLUSTERDOWN: 'retryDelayOnClusterDown',
  TRYAGAIN: 'retryDelayOnTryAgain',
} as const satisfies Record<string, keyof ClusterRetryDelays>;

type RetriedKind = keyof typeof delayOptionOf;

function retriedKind(error: unknown): RetriedKind | undefined {
  const prefix = redisReplyPrefix(error);
  if (prefix === 'CLUSTERDOWN' || prefix === 'TRYAGAIN') return prefix;
  return errorCode(error) === 'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED'
    ? 'connection-closed'
    : undefined;
}

/**
 * Puts holdfast's re-send rules and retry policy between one cluster command and ioredis's own
 * error routing. ioredis follows MOVED and ASK itself and settles the errors it does not retry;
 * the three it would retry on a fixed delay (a closed node connection, CLUSTERDOWN, TRYAGAIN)
 * are first put to holdfast's retry decider:
 * - stop (retries or deadline used up, a write that may have been applied) -> the command fails
 *   with the decider's error (`RetriesExhaustedError`, `OutcomeUnknownError`);
 * - retry -> ioredis retries it, after the decider's delay instead of its fixed one.
 * A connection that closed before the command was written, and CLUSTERDOWN / TRYAGAIN replies
 * (the server refused the command unrun), are always safe to retry; a command written to a node
 * that then closed is retried only when it is safe to send twice (a read, an idempotent write).
 *
 * @param settle the command's own `reject` (settles its promise)
 * @param route ioredis's replacement of it (its `handleError` routing)
 * @returns the function to install as the command's `reject`
 */
export function guardClusterCommand(
  command: Command,
  host: ClusterRetryHost,
  settle: (error: unknown) => void,
  route: (error: Error) => void,
): (error: Error) => void {
  let attempt = 0;
  let previousDelayMs = 0;
  const startedAt = host.clock.now();
  return (raw) => {
    const name = command.name.toUpperCase();
    const error = fromIoredisError(raw, name);
    const kind = retriedKind(error);
    const sent = host.written.has(command) && !isUnsent(error);
    // Whatever happens next sends it anew (or settles it): "written" starts over.
    host.written.delete(command);
    if (kind === undefined) {
      route(raw);
      return;
    }
    attempt += 1;
    const decision = host.decider.decide({
      error: sent ? error : markUnsent(error),
      attempt,
      elapsedMs: host.clock.now() - startedAt,
      previousDelayMs,
      scope: 'execute',
      subject: `${name} on ${host.targetName}`,
      operation: name,
      resendable: !sent || isSafeToResend(command),
    });
    if (decision.type === 'stop') {
      settle(decision.thrown);
      return;
    }
    previousDelayMs = decision.delayMs;
    const option = delayOptionOf[kind];
    const before = host.delays[option];
    // ioredis skips a CLUSTERDOWN retry whose delay is 0: at least 1 ms.
    host.delays[option] = Math.max(1, Math.round(decision.delayMs));
    try {
      route(raw);
    } finally {
      host.delays[option] = before;
    }
  };
}
