import type { Command } from 'ioredis';
import { idempotentMark } from './isSafeToResend.js';

/** A client or cluster: anything whose commands all go through `sendCommand`. */
interface CommandSender {
  sendCommand(command: Command, ...rest: never[]): unknown;
}

/**
 * A view of `client` (a `Redis` or a `Cluster`) whose commands are marked idempotent: an object
 * whose prototype is the client, with its own `sendCommand` that marks each command, then hands it
 * to the client's. ioredis's command methods, `pipeline()`, `multi()` and defined scripts all send
 * through `this.sendCommand` (a pipeline through its `redis`, which is this view), so each of them
 * is marked; everything else (options, status, the socket) is read through to the client.
 */
export function idempotentView<T extends CommandSender>(client: T): T {
  const view = Object.create(client) as T;
  Object.defineProperty(view, 'sendCommand', {
    value(command: Command, ...rest: unknown[]): unknown {
      (command as Command & { [idempotentMark]?: boolean })[idempotentMark] = true;
      return (client.sendCommand as (c: Command, ...r: unknown[]) => unknown).call(
        client,
        command,
        ...rest,
      );
    },
  });
  return view;
}
