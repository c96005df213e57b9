import { type Classification, fatal, throttled, transient } from './Classification.js';

/** One known MySQL / MariaDB error: mysql2's `code`, the server or client `errno`, the verdict. */
export interface MysqlErrorRow {
  /** mysql2's `code` (`ER_*` server codes, `PROTOCOL_*` client codes); absent when unnamed. */
  readonly code?: string;
  /** The error number; absent for mysql2's own client-side errors. */
  readonly errno?: number;
  readonly verdict: Classification;
}

/**
 * MySQL / MariaDB errors that mean the same in every scope. Rows are matched by `code` first,
 * then by `errno` (for drivers that report only the number).
 */
export const mysqlErrorRows: readonly MysqlErrorRow[] = [
  // The connection is gone or could not be made: a new one may work.
  {
    code: 'PROTOCOL_CONNECTION_LOST',
    verdict: transient('mysql: connection lost (PROTOCOL_CONNECTION_LOST)'),
  },
  {
    code: 'PROTOCOL_SEQUENCE_TIMEOUT',
    verdict: transient('mysql: query timed out, connection destroyed'),
  },
  { code: 'PROTOCOL_PACKETS_OUT_OF_ORDER', verdict: transient('mysql: packets out of order') },
  {
    code: 'CR_CONNECTION_ERROR',
    errno: 2002,
    verdict: transient("mysql: can't connect through socket (2002)"),
  },
  {
    code: 'CR_CONN_HOST_ERROR',
    errno: 2003,
    verdict: transient("mysql: can't connect to server (2003)"),
  },
  {
    code: 'CR_SERVER_GONE_ERROR',
    errno: 2006,
    verdict: transient('mysql: server has gone away (2006)'),
  },
  {
    code: 'CR_SERVER_LOST',
    errno: 2013,
    verdict: transient('mysql: lost connection during query (2013)'),
  },
  {
    code: 'ER_SERVER_SHUTDOWN',
    errno: 1053,
    verdict: transient('mysql: server shutdown in progress (1053)'),
  },
  {
    code: 'ER_NORMAL_SHUTDOWN',
    errno: 1077,
    verdict: transient('mysql: server shutting down (1077)'),
  },
  {
    code: 'ER_SHUTDOWN_COMPLETE',
    errno: 1079,
    verdict: transient('mysql: server shutdown complete (1079)'),
  },
  {
    code: 'ER_NET_READ_ERROR',
    errno: 1158,
    verdict: transient('mysql: network read error (1158)'),
  },
  {
    code: 'ER_NET_READ_INTERRUPTED',
    errno: 1159,
    verdict: transient('mysql: network read interrupted (1159)'),
  },
  {
    code: 'ER_NET_ERROR_ON_WRITE',
    errno: 1160,
    verdict: transient('mysql: network write error (1160)'),
  },
  {
    code: 'ER_NET_WRITE_INTERRUPTED',
    errno: 1161,
    verdict: transient('mysql: network write interrupted (1161)'),
  },
  {
    code: 'ER_CONNECTION_KILLED',
    errno: 1927,
    verdict: transient('mysql: connection killed (1927)'),
  },
  {
    code: 'ER_CLIENT_INTERACTION_TIMEOUT',
    errno: 4031,
    verdict: transient('mysql: disconnected for inactivity (4031)'),
  },
  // The server is full: retry, slower.
  {
    code: 'ER_CON_COUNT_ERROR',
    errno: 1040,
    verdict: throttled('mysql: too many connections (1040)', true),
  },
  {
    code: 'ER_TOO_MANY_USER_CONNECTIONS',
    errno: 1203,
    verdict: throttled('mysql: too many connections for user (1203)', true),
  },
  {
    code: 'ER_USER_LIMIT_REACHED',
    errno: 1226,
    verdict: throttled('mysql: user resource limit reached (1226)', true),
  },
  // Authentication, authorization, configuration and syntax: tried once (retrying locks accounts).
  {
    code: 'ER_ACCESS_DENIED_ERROR',
    errno: 1045,
    verdict: fatal('mysql: access denied (1045): check user and password'),
  },
  {
    code: 'ER_DBACCESS_DENIED_ERROR',
    errno: 1044,
    verdict: fatal('mysql: access to database denied (1044)'),
  },
  {
    code: 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
    errno: 1698,
    verdict: fatal('mysql: access denied without password (1698)'),
  },
  {
    code: 'ER_HOST_IS_BLOCKED',
    errno: 1129,
    verdict: fatal('mysql: host blocked (1129): run mysqladmin flush-hosts'),
  },
  {
    code: 'ER_HOST_NOT_PRIVILEGED',
    errno: 1130,
    verdict: fatal('mysql: host not allowed to connect (1130)'),
  },
  { code: 'ER_BAD_DB_ERROR', errno: 1049, verdict: fatal('mysql: unknown database (1049)') },
  { code: 'ER_PARSE_ERROR', errno: 1064, verdict: fatal('mysql: syntax error (1064)') },
  { code: 'ER_SYNTAX_ERROR', errno: 1149, verdict: fatal('mysql: syntax error (1149)') },
];

/**
 * Retryable only when the whole transaction is run again (`pool.transaction`, scope
 * `'transaction'`): the server rolled it back. For a single statement (scope `'execute'` or
 * `'connect'`) they are fatal, with the verdict in `statementVerdict`.
 */
export const mysqlTransactionRows: readonly (MysqlErrorRow & {
  readonly statementVerdict: Classification;
})[] = [
  {
    code: 'ER_LOCK_DEADLOCK',
    errno: 1213,
    verdict: transient('mysql: deadlock, transaction rolled back (1213)', false),
    statementVerdict: fatal(
      'mysql: deadlock (1213): retried only when the whole transaction reruns (pool.transaction)',
    ),
  },
  {
    code: 'ER_LOCK_WAIT_TIMEOUT',
    errno: 1205,
    verdict: transient('mysql: lock wait timeout (1205)', false),
    statementVerdict: fatal(
      'mysql: lock wait timeout (1205): retried only when the whole transaction reruns (pool.transaction)',
    ),
  },
];

function byCode<R extends MysqlErrorRow>(
  rows: readonly R[],
  pick: (row: R) => Classification,
): Readonly<Record<string, Classification>> {
  const table: Record<string, Classification> = {};
  for (const row of rows) if (row.code !== undefined) table[row.code] = pick(row);
  return Object.freeze(table);
}

function byErrno<R extends MysqlErrorRow>(
  rows: readonly R[],
  pick: (row: R) => Classification,
): Readonly<Record<number, Classification>> {
  const table: Record<number, Classification> = {};
  for (const row of rows) if (row.errno !== undefined) table[row.errno] = pick(row);
  return Object.freeze(table);
}

/** `mysqlErrorRows` keyed by `code`. */
export const mysqlCodeTable = byCode(mysqlErrorRows, (row) => row.verdict);
/** `mysqlErrorRows` keyed by `errno`. */
export const mysqlErrnoTable = byErrno(mysqlErrorRows, (row) => row.verdict);
/** Transaction-only rows keyed by `code`: the verdict in scope `'transaction'`. */
export const mysqlTransactionTable = byCode(mysqlTransactionRows, (row) => row.verdict);
/** Transaction-only rows keyed by `errno`: the verdict in scope `'transaction'`. */
export const mysqlTransactionErrnoTable = byErrno(mysqlTransactionRows, (row) => row.verdict);
/** Transaction-only rows keyed by `code`: the verdict for a single statement. */
export const mysqlStatementTable = byCode(mysqlTransactionRows, (row) => row.statementVerdict);
/** Transaction-only rows keyed by `errno`: the verdict for a single statement. */
export const mysqlStatementErrnoTable = byErrno(
  mysqlTransactionRows,
  (row) => row.statementVerdict,
);

const closedStateMessage = "Can't add new command when connection is in closed state";

/**
 * mysql2 reports a command on a dead connection with no code, only this sentence. This is the
 * one place that reads it (DESIGN.md): it means the connection is dead and a fresh one is safe,
 * since the command was never written.
 */
export function isMysqlClosedStateError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(closedStateMessage);
}
