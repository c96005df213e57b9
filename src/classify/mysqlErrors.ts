import { type Classification, fatal, throttled, transient } from './Classification.js';

/**
 * MySQL / MariaDB errors by mysql2 `code`. Deadlock and lock-wait rows are marked
 * `transactionOnly`: they are retryable when a whole transaction reruns, fatal for a statement.
 */
export const mysqlCodeTable: Readonly<Record<string, Classification>> = {
  PROTOCOL_CONNECTION_LOST: transient('mysql: connection lost (PROTOCOL_CONNECTION_LOST)'),
  PROTOCOL_SEQUENCE_TIMEOUT: transient('mysql: query timed out, connection destroyed'),
  PROTOCOL_PACKETS_OUT_OF_ORDER: transient('mysql: packets out of order'),
  ER_CON_COUNT_ERROR: throttled('mysql: too many connections (1040)', true),
  ER_TOO_MANY_USER_CONNECTIONS: throttled('mysql: too many connections for user (1203)', true),
  ER_USER_LIMIT_REACHED: throttled('mysql: user resource limit reached (1226)', true),
  ER_SERVER_SHUTDOWN: transient('mysql: server shutdown in progress (1053)'),
  ER_NORMAL_SHUTDOWN: transient('mysql: server shutting down (1077)'),
  ER_SHUTDOWN_COMPLETE: transient('mysql: server shutdown complete (1079)'),
  ER_CONNECTION_KILLED: transient('mysql: connection killed (1927)'),
  ER_CLIENT_INTERACTION_TIMEOUT: transient('mysql: disconnected for inactivity (4031)'),
  ER_NET_READ_ERROR: transient('mysql: network read error (1158)'),
  ER_NET_READ_INTERRUPTED: transient('mysql: network read interrupted (1159)'),
  ER_NET_ERROR_ON_WRITE: transient('mysql: network write error (1160)'),
  ER_NET_WRITE_INTERRUPTED: transient('mysql: network write interrupted (1161)'),
  ER_ACCESS_DENIED_ERROR: fatal('mysql: access denied (1045): check user and password'),
  ER_DBACCESS_DENIED_ERROR: fatal('mysql: access to database denied (1044)'),
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: fatal('mysql: access denied without password (1698)'),
  ER_HOST_IS_BLOCKED: fatal('mysql: host blocked (1129): run mysqladmin flush-hosts'),
  ER_HOST_NOT_PRIVILEGED: fatal('mysql: host not allowed to connect (1130)'),
  ER_BAD_DB_ERROR: fatal('mysql: unknown database (1049)'),
  ER_PARSE_ERROR: fatal('mysql: syntax error (1064)'),
  ER_SYNTAX_ERROR: fatal('mysql: syntax error (1149)'),
};

/** Errors by number, for drivers that report only `errno` (client codes 2002-2013 among them). */
export const mysqlErrnoTable: Readonly<Record<number, Classification>> = {
  1040: mysqlCodeTable.ER_CON_COUNT_ERROR ?? throttled('mysql: too many connections (1040)'),
  1053: transient('mysql: server shutdown in progress (1053)'),
  1077: transient('mysql: server shutting down (1077)'),
  1927: transient('mysql: connection killed (1927)'),
  2002: transient("mysql: can't connect through socket (2002)"),
  2003: transient("mysql: can't connect to server (2003)"),
  2006: transient('mysql: server has gone away (2006)'),
  2013: transient('mysql: lost connection during query (2013)'),
  4031: transient('mysql: disconnected for inactivity (4031)'),
  1044: fatal('mysql: access to database denied (1044)'),
  1045: fatal('mysql: access denied (1045): check user and password'),
  1064: fatal('mysql: syntax error (1064)'),
};

/** Retryable only when the whole transaction is run again (`pool.transaction`). */
export const mysqlTransactionTable: Readonly<Record<string, Classification>> = {
  ER_LOCK_DEADLOCK: transient('mysql: deadlock, transaction rolled back (1213)', false),
  ER_LOCK_WAIT_TIMEOUT: transient('mysql: lock wait timeout (1205)', false),
};

export const mysqlTransactionErrnoTable: Readonly<Record<number, Classification>> = {
  1213: transient('mysql: deadlock, transaction rolled back (1213)', false),
  1205: transient('mysql: lock wait timeout (1205)', false),
};

const closedStateMessage = "Can't add new command when connection is in closed state";

/**
 * mysql2 reports a command on a dead connection with no code, only this sentence. This is the
 * one place that reads it (DESIGN.md): it means the connection is dead and a fresh one is safe,
 * since the command was never written.
 */
export function isMysqlClosedStateError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(closedStateMessage);
}
