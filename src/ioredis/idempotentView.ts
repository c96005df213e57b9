import type { Command, Redis } from 'ioredis';
import { idempotentMark } from './sortInFlight.js';

/**
 * A view of `client` whose commands are marked idempotent: an object whose prototype is the
 * client, with its own `sendCommand` that marks each command, then hands it to the client's.
 * ioredis's command methods, `pipeline()`, `multi()` and defined scripts all send through
 * `this.sendCommand` (a pipeline through its `redis`, which is this view), so each of them is
 * marked; everything else (options, status, the socket) is read through to the client.
 */
export function idempotentView(client: Redis): Redis {
  const view = Object.create(client) as Redis;
  Object.defineProperty(view, 'sendCommand', {
    value(command: Command, stream?: unknown): unknown {
      (command as Command & { [idempotentMark]?: boolean })[idempotentMark] = true;
      return client.sendCommand(command, stream as Parameters<Redis['sendCommand']>[1]);
    },
  });
  return view;
}
