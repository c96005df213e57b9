import { redactedMarker } from '../telemetry/redact.js';

/**
 * ioredis attaches `command: { name, args }` to a server's error reply; for HELLO and AUTH the
 * args hold the password (`['3', 'AUTH', 'default', 'secret']`), and a logger that prints the
 * error object would print it. How many leading arguments of each command are safe to keep:
 */
const keptArgs: Readonly<Record<string, number>> = {
  auth: 0,
  hello: 1,
  acl: 1,
  config: 1,
  migrate: 0,
  sentinel: 1,
};

/**
 * Replaces the secret arguments of a sensitive command recorded on `error.command` by `***`, in
 * place (the error object is the one the caller will see). Other commands are left as they are.
 */
export function scrubCommandArgs(error: Error): void {
  const command = (error as { command?: unknown }).command;
  if (typeof command !== 'object' || command === null) return;
  const { name, args } = command as { name?: unknown; args?: unknown };
  if (typeof name !== 'string' || !Array.isArray(args)) return;
  const keep = keptArgs[name.toLowerCase()];
  if (keep === undefined) return;
  (error as Error & { command?: unknown }).command = {
    name,
    args: args.map((arg: unknown, index) => (index < keep ? arg : redactedMarker)),
  };
}
