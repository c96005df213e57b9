// The OpenTelemetry semantic-convention keys holdfast uses, copied as strings so that the library
// depends on @opentelemetry/api alone (the conventions package recommends copying; its
// incubating entry point is not stable). Holdfast's own names are in names.ts.

/** Attribute keys defined by the OpenTelemetry database, server and error conventions. */
export const semconvAttributes = {
  /** `mysql` | `redis`. */
  dbSystemName: 'db.system.name',
  /** Host name or address of the database server. */
  serverAddress: 'server.address',
  /** Port of the database server. */
  serverPort: 'server.port',
  /** Database name (MySQL) or database index (Redis). */
  dbNamespace: 'db.namespace',
  /** The class of error: the driver's code (`ECONNREFUSED`, `ER_ACCESS_DENIED_ERROR`, `WRONGPASS`). */
  errorType: 'error.type',
  /** The server's status code: the MySQL errno (`1045`) or the Redis reply prefix (`LOADING`). */
  dbResponseStatusCode: 'db.response.status_code',
  /** Pool connection state on `db.client.connection.count`: `idle` | `used`. */
  dbClientConnectionState: 'db.client.connection.state',
  /** Name of a connection pool on the `db.client.connection.*` metrics. */
  dbClientConnectionPoolName: 'db.client.connection.pool.name',
} as const;

/** Values of `db.system.name` that holdfast reports (a target of system `other` reports none). */
export const dbSystemNames = {
  mysql: 'mysql',
  redis: 'redis',
} as const;

/** Values of `db.client.connection.state`. */
export const dbClientConnectionStates = { idle: 'idle', used: 'used' } as const;

/** The `error.type` value when nothing better is known (OpenTelemetry's fallback). */
export const otherErrorType = '_OTHER';
