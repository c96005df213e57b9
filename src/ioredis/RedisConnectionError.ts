/** The codes holdfast gives to ioredis's connection errors, which carry no code of their own. */
export type RedisConnectionErrorCode =
  | 'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED'
  | 'ERR_HOLDFAST_REDIS_NOT_WRITABLE'
  | 'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT'
  | 'ERR_HOLDFAST_REDIS_NO_MASTER';

/**
 * A Redis command failed because of the connection, not the server's answer:
 * - `ERR_HOLDFAST_REDIS_CONNECTION_CLOSED`: the connection closed while the command was in
 *   flight; it may or may not have been applied.
 * - `ERR_HOLDFAST_REDIS_NOT_WRITABLE`: the connection could not take the command; it was never
 *   sent (`isUnsent(error)` is true) and is safe to send again.
 * - `ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT`: no reply within `commandTimeoutMs`; holdfast then
 *   treats the connection as dead and replaces it.
 * - `ERR_HOLDFAST_REDIS_NO_MASTER`: a connect attempt through sentinels found no master to
 *   connect to (every sentinel unreachable, or each named a master that refused; during a
 *   failover, until a replica is promoted). Nothing was sent.
 *
 * The classifier's Redis table (`redisConnectionCodes`) calls all four transient. Deliberately
 * not a `HoldfastError`: those mean "holdfast decided" and are never retried, while these are
 * driver errors that a retry loop should see as transient. `cause` is ioredis's own error, if any.
 */
export class RedisConnectionError extends Error {
  override readonly name = 'RedisConnectionError';
  readonly code: RedisConnectionErrorCode;
  /** The command that failed, upper case (`GET`), or the call's `description` when it has one. */
  readonly command: string;

  constructor(
    message: string,
    options: { code: RedisConnectionErrorCode; command: string; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.command = options.command;
  }
}
