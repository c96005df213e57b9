import { errorCode } from '../classify/errorFields.js';
import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { markUnsent } from '../classify/unsent.js';
import { RedisConnectionError } from './RedisConnectionError.js';
import { scrubCommandArgs } from './scrubCommandArgs.js';

/**
 * Reply prefixes with which Redis refuses a command before running it: the command had no
 * effect, so it is safe to send again whatever it is (an INCR refused with LOADING was not
 * applied). Whether to send it again is still the classifier's call (LOADING yes, NOAUTH no).
 */
const refusedPrefixes: ReadonlySet<string> = new Set([
  'LOADING',
  'BUSY',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'MASTERDOWN',
  'READONLY',
  'NOAUTH',
  'NOPERM',
  'MOVED',
  'ASK',
]);

// ioredis 6 raises these with a bare `new Error(message)`: no code, no class of their own
// (lib/utils/index.ts CONNECTION_CLOSED_ERROR_MSG, Redis#sendCommand, Command#setTimeout).
const connectionClosed = 'Connection is closed.';
const notWritable = "Stream isn't writeable and enableOfflineQueue options is false";
const commandTimedOut = 'Command timed out';
// lib/connectors/SentinelConnector: every sentinel asked, no master connected, and
// sentinelRetryStrategy (holdfast's: none) said not to go round again.
const noSentinelMaster = 'All sentinels are unreachable and retry is disabled.';

/**
 * Turns what ioredis rejected a command with into what holdfast's classifier understands; the one
 * place that knows ioredis's error shapes, and the only one in src/ioredis that compares an error
 * message (ioredis gives these errors neither a code nor a class; holdfast avoids most of them by
 * checking the instance's status before sending, but an instance can close between the check and
 * the reply).
 *
 * - A server error reply (`ReplyError`) is returned as it is, its recorded HELLO/AUTH arguments
 *   scrubbed; one whose prefix says the server refused the command unrun is marked unsent.
 * - A socket error with a code (`ECONNRESET`, `EPIPE`) is returned as it is.
 * - "Connection is closed.", ioredis's `AbortError` (an aborted pipeline) and
 *   `MaxRetriesPerRequestError` become `ERR_HOLDFAST_REDIS_CONNECTION_CLOSED`: the command was
 *   written and may have been applied.
 * - "Stream isn't writeable ..." becomes `ERR_HOLDFAST_REDIS_NOT_WRITABLE`, marked unsent: ioredis
 *   refused it before writing.
 * - "Command timed out" becomes `ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT`.
 * - "All sentinels are unreachable ..." (a connect attempt through sentinels that found no master,
 *   e.g. during a failover) becomes `ERR_HOLDFAST_REDIS_NO_MASTER`, marked unsent.
 *
 * @param error what the ioredis promise rejected with
 * @param command the command's name, for the message (`GET`, or an operation's description)
 */
export function fromIoredisError(error: unknown, command: string): unknown {
  if (!(error instanceof Error)) return error;
  scrubCommandArgs(error);
  if (error.name === 'ReplyError') {
    const prefix = redisReplyPrefix(error);
    return prefix !== undefined && refusedPrefixes.has(prefix) ? markUnsent(error) : error;
  }
  if (errorCode(error) !== undefined) return error;
  if (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'AbortError' ||
    error.message === connectionClosed
  ) {
    return new RedisConnectionError(
      `The Redis connection closed before the reply to ${command} arrived (ioredis: ${error.message}). holdfast reconnects; a command that may have been applied is not sent again.`,
      { code: 'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED', command, cause: error },
    );
  }
  if (error.message === notWritable) {
    return notWritableError(command, 'the socket no longer accepts writes', error);
  }
  if (error.message === commandTimedOut) {
    return new RedisConnectionError(
      `No reply to ${command} in time (ioredis: ${error.message}); the connection is treated as dead and replaced.`,
      { code: 'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT', command, cause: error },
    );
  }
  if (error.message === noSentinelMaster) {
    return markUnsent(
      new RedisConnectionError(
        `No sentinel named a Redis master that accepted the connection (ioredis: ${error.message}); during a failover this lasts until a replica is promoted. holdfast tries again under its \`retry\` policy; check \`sentinels\` and \`name\` if it never ends.`,
        { code: 'ERR_HOLDFAST_REDIS_NO_MASTER', command, cause: error },
      ),
    );
  }
  return error;
}

/**
 * The error of a command that could not be written (the instance is not ready, or its socket
 * stopped accepting writes): nothing was sent, so it is marked unsent.
 */
export function notWritableError(
  command: string,
  why: string,
  cause?: unknown,
): RedisConnectionError {
  return markUnsent(
    new RedisConnectionError(
      `${command} was not sent: ${why}. holdfast sends it once the connection is ready again.`,
      { code: 'ERR_HOLDFAST_REDIS_NOT_WRITABLE', command, cause },
    ),
  );
}
