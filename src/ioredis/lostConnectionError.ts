import { RedisConnectionError } from './RedisConnectionError.js';

/** Why a connection was lost, for the error of a command (or link) lost with it. */
export interface LostConnection {
  readonly targetName: string;
  /** The watchdog saw no reply for `commandTimeoutMs` and dropped the socket. */
  readonly timedOut: boolean;
  readonly commandTimeoutMs: number;
  /** The last `error` event of the instance (ECONNRESET ...), if any. */
  readonly cause: unknown;
}

/**
 * The `RedisConnectionError` of a command in flight when its connection was lost:
 * `ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT` when the watchdog gave up on it, else
 * `ERR_HOLDFAST_REDIS_CONNECTION_CLOSED`; `cause` is the socket's error.
 *
 * @param command upper case (`INCR`), or `connection` for the link itself
 */
export function lostConnectionError(lost: LostConnection, command: string): RedisConnectionError {
  const { targetName, cause } = lost;
  return lost.timedOut
    ? new RedisConnectionError(
        `No reply to ${command} from ${targetName} within commandTimeoutMs (${lost.commandTimeoutMs} ms): the connection is treated as dead and replaced. Raise commandTimeoutMs if the server is slow rather than gone.`,
        { code: 'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT', command, cause },
      )
    : new RedisConnectionError(
        `The connection to ${targetName} closed before the reply to ${command} arrived.`,
        { code: 'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED', command, cause },
      );
}
