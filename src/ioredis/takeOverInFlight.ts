import type { Command, Redis } from 'ioredis';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError.js';
import { safeInvoke } from '../internal/safeInvoke.js';
import type { Logger } from '../telemetry/Logger.js';
import { internals } from './ioredisInternals.js';
import { type QueuedCommand, sortInFlight } from './sortInFlight.js';

/** What `takeOverInFlight` needs from its client. */
export interface InFlightContext {
  readonly targetName: string;
  readonly logger: Logger | undefined;
  /** The connection error a command failed with (the `cause` of its OutcomeUnknownError). */
  closeError(command: string): Error;
  /** A new ioredis `Command` (ioredis's class, loaded by the client). */
  newCommand(name: string): Command;
}

/**
 * Takes the commands written to a ready connection and not answered out of ioredis's hands, when
 * that connection is lost (called from `setStatus('close')`, before ioredis's close handler looks
 * at its queues): the safe ones go to the front of the offline queue, to be sent again once
 * reconnected; the others fail with `OutcomeUnknownError` (see `sortInFlight`). Leaves ioredis's
 * command queue empty, so that ioredis itself neither re-sends nor rejects anything.
 */
export function takeOverInFlight(redis: Redis, context: InFlightContext): void {
  const self = internals(redis);
  if (self.commandQueue.length === 0) return;
  const inFlight = self.commandQueue.toArray();
  self.resetCommandQueue();
  const { resend, unknown } = sortInFlight(inFlight, (select) => {
    const command = context.newCommand('multi');
    command.promise.catch(() => undefined);
    return { command, select };
  });
  log(context, resend, unknown);
  for (const item of unknown) {
    const name = item.command.name.toUpperCase();
    item.command.reject(
      new OutcomeUnknownError(
        `${name} may have been applied: the connection to ${context.targetName} was lost before its reply arrived, and holdfast sends a command again only when that is safe. Check whether it took effect, or send it through \`client.idempotent\` if running it twice is harmless.`,
        { cause: context.closeError(name), operation: name },
      ),
    );
  }
  if (resend.length === 0) return;
  const waiting = self.offlineQueue.toArray();
  self.resetOfflineQueue();
  for (const item of [...resend, ...waiting]) self.offlineQueue.push(item);
}

/** One INFO line per lost connection that had commands in flight. */
function log(
  context: InFlightContext,
  resend: readonly QueuedCommand[],
  unknown: readonly QueuedCommand[],
): void {
  const logger = context.logger;
  if (logger === undefined) return;
  const message = `The connection to ${context.targetName} was lost with ${resend.length + unknown.length} commands in flight: re-sending ${resend.length} once reconnected (${tally(resend)}), ${unknown.length} may have been applied and fail with OutcomeUnknownError (${tally(unknown)})`;
  safeInvoke(() => {
    logger.info(message, {
      target: context.targetName,
      resent: resend.length,
      unknown: unknown.length,
    });
  });
}

/** `GET x2, SET x1`: the command names of `items`, counted. */
function tally(items: readonly QueuedCommand[]): string {
  const counts = new Map<string, number>();
  for (const { command } of items) {
    const name = command.name.toUpperCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => `${name} x${count}`).join(', ') || 'none';
}
