// Errors shaped like the drivers' own, built without importing a driver (unit specs open no
// sockets and the core never sees mysql2 or ioredis types).

/** A Node / mysql2 style error: `code` and optionally `errno` on a plain Error. */
export function codeError(
  code: string | undefined,
  errno?: number,
  message = 'driver error',
): Error {
  const error = new Error(message) as Error & { code?: string; errno?: number };
  if (code !== undefined) error.code = code;
  if (errno !== undefined) error.errno = errno;
  return error;
}

/** A mysql2 error that carries only the number (as some drivers report it). */
export function errnoError(errno: number, message = 'driver error'): Error {
  return Object.assign(new Error(message), { errno });
}

/** An ioredis / redis-errors ReplyError: the Redis error code is the first word of the message. */
export function replyError(message: string): Error {
  const error = new Error(message);
  error.name = 'ReplyError';
  return error;
}

/** The reference design's ConnectionError, as Node reports a refused connect. */
export function connectionRefused(message = 'connect ECONNREFUSED 127.0.0.1:3306'): Error {
  return codeError('ECONNREFUSED', -111, message);
}

/** mysql2's ER_ACCESS_DENIED_ERROR. */
export function accessDenied(): Error {
  return codeError(
    'ER_ACCESS_DENIED_ERROR',
    1045,
    "Access denied for user 'app'@'localhost' (using password: YES)",
  );
}

/** Redis's WRONGPASS reply, as ioredis raises it. */
export function wrongPass(): Error {
  return replyError('WRONGPASS invalid username-password pair');
}
