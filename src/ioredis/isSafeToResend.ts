import type { Command } from 'ioredis';
import { isResendable } from './commandTable.js';

/** Set on a `Command` sent through `client.idempotent`: the caller vouches it may run twice. */
export const idempotentMark = Symbol('holdfast.idempotent');

/**
 * Commands that only set up the connection's own state (the database, subscriptions): sending
 * one again on the new connection is what restores that state, never a second effect.
 */
const connectionStateCommands: ReadonlySet<string> = new Set([
  'select',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
]);

/**
 * The one re-send rule of holdfast/ioredis (DESIGN.md "What may be re-sent"), for the client and
 * the cluster alike: true when `command` may be sent again after it may have reached the server —
 * a read or an idempotent write by the command table, a script defined `readOnly`, a command
 * sent through `.idempotent`, or one that only restores the connection's own state.
 */
export function isSafeToResend(command: Command): boolean {
  const marked = command as Command & { [idempotentMark]?: boolean; isReadOnly?: boolean };
  if (marked[idempotentMark] === true || marked.isReadOnly === true) return true;
  const name = command.name.toLowerCase();
  return connectionStateCommands.has(name) || isResendable(name, command.args);
}
