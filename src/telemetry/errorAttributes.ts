import { errorCode, errorErrno, errorName, innermostSocketError } from '../classify/errorFields.js';
import { redisReplyPrefix } from '../classify/redisReplyPrefix.js';
import { otherErrorType } from './semconv.js';

/**
 * `error.type`: the driver's code (`ECONNREFUSED`, `ER_ACCESS_DENIED_ERROR`,
 * `ERR_HOLDFAST_CIRCUIT_OPEN`), else the Redis reply prefix (`WRONGPASS`), else the error's class
 * name, else `_OTHER`. Codes and class names keep the cardinality bounded.
 */
export function errorType(error: unknown): string {
  const inner = innermostSocketError(error);
  return (errorCode(inner) ?? redisReplyPrefix(inner) ?? errorName(inner) ?? otherErrorType).slice(
    0,
    64,
  );
}

/**
 * `db.response.status_code`: the MySQL server's errno (`1045`) or the Redis reply prefix
 * (`LOADING`); undefined for client-side and network errors (Node's negative errno on system
 * errors is not a server status).
 */
export function dbResponseStatusCode(error: unknown): string | undefined {
  const inner = innermostSocketError(error);
  const prefix = redisReplyPrefix(inner);
  if (prefix !== undefined) return prefix;
  const errno = errorErrno(inner);
  const isSystemError = typeof inner === 'object' && inner !== null && 'syscall' in inner;
  return errno !== undefined && errno > 0 && !isSystemError ? String(errno) : undefined;
}
