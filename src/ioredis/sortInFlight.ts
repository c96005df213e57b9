import type { Command } from 'ioredis';
import { isSafeToResend } from './isSafeToResend.js';

/**
 * One entry of ioredis's command queue (written, not yet answered) or offline queue (not yet
 * written): `Redis#commandQueue` / `Redis#offlineQueue` hold `{ command, stream, select }`
 * (pinned by spec/ioredis/ioredisInternals.spec.ts).
 */
export interface QueuedCommand {
  readonly command: Command;
  readonly stream?: unknown;
  readonly select: number;
}

/** What becomes of the commands in flight when a connection is lost. */
export interface InFlightVerdict {
  /** Sent again, in this order, once reconnected (each on its own: no pipeline stream). */
  readonly resend: readonly QueuedCommand[];
  /** May have been applied: they fail with `OutcomeUnknownError`. */
  readonly unknown: readonly QueuedCommand[];
}

/**
 * Judges the commands written to a connection that was lost before they were answered
 * (DESIGN.md "What may be re-sent"): a read, a command the table calls idempotent, a script
 * defined `readOnly`, or one sent through `client.idempotent` is sent again; anything else may
 * have been applied and fails with `OutcomeUnknownError`.
 *
 * A MULTI ... EXEC block is judged as one: EXEC may have run, so the block is sent again whole
 * (with a new MULTI in front when the old one was already answered) only when every command
 * inside it is safe; otherwise every command of the block is unknown. Pipelined commands outside
 * a transaction are judged one by one, as Redis runs them one by one.
 *
 * @param queue the unanswered commands, oldest first
 * @param newMulti makes the MULTI to put in front of a block whose MULTI was already answered
 */
export function sortInFlight(
  queue: readonly QueuedCommand[],
  newMulti: (select: number) => QueuedCommand,
): InFlightVerdict {
  const resend: QueuedCommand[] = [];
  const unknown: QueuedCommand[] = [];
  let i = 0;
  while (i < queue.length) {
    const item = queue[i] as QueuedCommand;
    if (!startsTransaction(item.command)) {
      (isSafeToResend(item.command) ? resend : unknown).push(plain(item));
      i += 1;
      continue;
    }
    const end = transactionEnd(queue, i);
    const block = queue.slice(i, end);
    const inner = block.filter((entry) => !isMultiOrExec(entry.command));
    if (inner.every((entry) => isSafeToResend(entry.command))) {
      if (block[0]?.command.name !== 'multi') resend.push(newMulti(item.select));
      resend.push(...block.map(plain));
    } else {
      unknown.push(...block);
    }
    i = end;
  }
  return { resend, unknown };
}

function plain(item: QueuedCommand): QueuedCommand {
  return { command: item.command, select: item.select };
}

function isMultiOrExec(command: Command): boolean {
  return command.name === 'multi' || command.name === 'exec';
}

function startsTransaction(command: Command): boolean {
  return command.name === 'multi' || command.inTransaction;
}

/** The index after the block's EXEC (or the end of the queue when its EXEC is not there). */
function transactionEnd(queue: readonly QueuedCommand[], start: number): number {
  for (let i = start + 1; i < queue.length; i++) {
    if (queue[i]?.command.name === 'exec') return i + 1;
    if (queue[i]?.command.name === 'multi') return i;
  }
  return queue.length;
}
