// The seam between holdfast's pool logic and mysql2: DatabasePool talks to these interfaces,
// mysql2Driver.ts implements them with mysql2, and the unit specs with a scripted fake.

/** Values for the `?` (or `:name`) placeholders of a statement. */
export type QueryValues = readonly unknown[] | Readonly<Record<string, unknown>>;

/** One pooled connection as the driver lends it. */
export interface DriverConnection {
  /** A text-protocol statement (`connection.query`). Resolves to mysql2's `[result, fields]`. */
  query(sql: string, values: QueryValues | undefined): Promise<[unknown, unknown]>;
  /** A prepared statement (`connection.execute`). */
  execute(sql: string, values: QueryValues | undefined): Promise<[unknown, unknown]>;
  ping(): Promise<void>;
  /** Hands the connection back to the driver's free list. */
  release(): void;
  /** Closes the socket at once; pending commands are abandoned. */
  destroy(): void;
  /** False once the socket erred, was closed by either side or was destroyed. */
  readonly alive: boolean;
}

/** What the driver tells the pool about its connections. */
export interface DriverPoolHooks {
  /** A new connection finished its handshake. */
  opened(connection: DriverConnection): void;
  /** A connection died (error, close by the server, destroy); told once per connection. */
  closed(connection: DriverConnection, error: Error | undefined): void;
}

/** A driver-level pool: a free list that opens connections on demand. */
export interface DriverPool {
  /** Reuses a free connection or opens a new one (the driver's connect timeout applies). */
  getConnection(): Promise<DriverConnection>;
  /**
   * Destroys the connections still in their handshake (their sockets close at once) and rejects
   * the `getConnection()` calls waiting on them; a connection such a call receives later is
   * destroyed. Open connections are left alone.
   */
  abortOpening(reason: Error): void;
  /** Ends every connection gracefully (COM_QUIT); resolves when all are closed. */
  end(): Promise<void>;
}

export interface MysqlDriver {
  createPool(options: Readonly<Record<string, unknown>>, hooks: DriverPoolHooks): DriverPool;
}
