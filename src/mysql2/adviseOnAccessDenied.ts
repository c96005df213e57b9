import { withAdvice } from '../errors/withAdvice.js';

/** ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR. */
const accessDenied = new Set([1044, 1045, 1698]);

const advice =
  'holdfast tried once and will not retry it (repeated failures can block the host or lock the account): check the `user`, `password` and `database` options of createDatabasePool (or the user:password@host/database of `uri`).';

/** The server refused the credentials: the error says which options to check (once). */
export function adviseOnAccessDenied<T>(error: T): T {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && accessDenied.has(errno) ? withAdvice(error, advice) : error;
}
