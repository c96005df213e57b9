import type { RedisStatus } from 'ioredis';
import type { ConnectionStatus } from '../connection/ConnectionState.js';

/**
 * Every status an ioredis 6 `Redis` instance takes: the `RedisStatus` union plus `monitoring`,
 * which ioredis sets after `MONITOR` without listing it in its type.
 */
export type IoredisStatus = RedisStatus | 'monitoring';

/**
 * What each ioredis status means for the connection holdfast handed out, as a holdfast status.
 * One instance is one connection: holdfast switches ioredis's own reconnect off, so an instance
 * that left `ready` never comes back; the manager replaces it.
 *
 * - `wait`: created with `lazyConnect`, nothing opened yet.
 * - `connecting`: the socket is opening; `connect`: socket open, handshake (HELLO, AUTH, SELECT)
 *   in flight, commands not yet accepted.
 * - `ready`, `monitoring`: commands are accepted.
 * - `reconnecting`: ioredis's own retry wait. Never reached with holdfast's options; should a
 *   user's Connector produce it, it counts as a lost connection like `close`.
 * - `close`: the socket closed; `end`: the instance is finished for good.
 */
export const ioredisStatusTable = {
  wait: 'idle',
  connecting: 'connecting',
  connect: 'connecting',
  ready: 'connected',
  monitoring: 'connected',
  reconnecting: 'retrying',
  close: 'closed',
  end: 'closed',
} as const satisfies Record<IoredisStatus, ConnectionStatus>;

/** Every ioredis status, for specs and for listening to each of them. */
export const ioredisStatuses = Object.keys(ioredisStatusTable) as readonly IoredisStatus[];

/**
 * The holdfast status of an ioredis status: the one mapping between the two vocabularies.
 * A status this table does not know (a future ioredis) maps to `closed`, so that the connection
 * is replaced rather than trusted.
 *
 * @example
 * connectionStatusOf('ready'); // 'connected'
 * connectionStatusOf('reconnecting'); // 'retrying'
 */
export function connectionStatusOf(status: string): ConnectionStatus {
  return Object.hasOwn(ioredisStatusTable, status)
    ? ioredisStatusTable[status as IoredisStatus]
    : 'closed';
}

/**
 * True when an instance in this status accepts commands: the statuses `ioredisStatusTable` maps
 * to `connected` (a spec keeps the two in step). A direct comparison, since it runs on every
 * command.
 */
export function acceptsCommands(status: string): boolean {
  return status === 'ready' || status === 'monitoring';
}
