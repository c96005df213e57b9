import type { Connection, ConnectionOptions } from 'mysql2';
import { mysql } from './mysql2Module.js';
import type { DatabasePoolConfig } from './DatabasePoolConfig.js';
import { decorateStatements } from './guardStatement.js';
import { parseDatabasePoolConfig } from './parseDatabasePoolConfig.js';
import { SocketTracker } from './SocketTracker.js';
import { TargetGate } from './TargetGate.js';

/** mysql2's connection options plus holdfast's, or a URI. */
export type HoldfastConnectionConfig = Omit<DatabasePoolConfig, 'pool_size' | 'poolSize'> | string;

// Options that belong to a pool: mysql2's Connection would warn about each.
const poolOnly = new Set([
  'connectionLimit',
  'maxIdle',
  'idleTimeout',
  'queueLimit',
  'waitForConnections',
  'resetOnRelease',
]);

/**
 * The target gates of `createConnection`, keyed by where they connect and as whom:
 * `user@address:port/database` (no password: two configs that differ only in password share a
 * gate, and the first one's probe decides). A gate lives while a connection it created is open
 * and is closed (no timer left) when the last one closes.
 */
const gates = new Map<string, TargetGate>();

/**
 * mysql2's `createConnection`, decorated: returns an instance of mysql2's own `Connection`.
 * Its socket opens at once while the target is up; while the target's reconnect loop runs (a
 * connection of the same target failed to connect or died), it waits for that loop instead of
 * hammering a dead server. Its statements follow the re-send rules (a write in flight when the
 * connection died is an `OutcomeUnknownError`) and `queryTimeoutMs`.
 *
 * @throws {ConfigurationError} a malformed holdfast option or `DB_RETRY_*` variable
 */
export function createConnection(config: HoldfastConnectionConfig): Connection {
  const given = typeof config === 'string' ? { uri: config } : config;
  const resolved = parseDatabasePoolConfig(given, process.env, 'createConnection config', false);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resolved.driverOptions)) {
    if (!poolOnly.has(key)) options[key] = value;
  }
  const { target } = resolved;
  const user = typeof options.user === 'string' ? options.user : '';
  const key = `${user}@${target.address ?? ''}:${String(target.port ?? '')}/${target.namespace ?? ''}`;
  let gate = gates.get(key);
  if (gate === undefined) {
    gate = new TargetGate(resolved, options);
    gates.set(key, gate);
  }
  const owner = gate;
  let closedByClient = false;
  const sockets = new SocketTracker(options.stream, (socket, open) => {
    const release = owner.hold(() => {
      if (gates.get(key) === owner) gates.delete(key);
    });
    let failed = false;
    socket.on('error', (error) => {
      failed = true;
      owner.targetLost(error);
    });
    socket.once('close', () => {
      // The server (or the network) ended a connection the client did not end: a sign the target
      // went away, which the next connection should not have to find out by itself.
      if (!failed && !closedByClient) owner.targetLost(connectionLost());
      release();
    });
    owner.beforeConnect(socket, open);
  });
  const connection = mysql.createConnection({
    ...(options as ConnectionOptions),
    stream: sockets.factory,
  });
  decorateStatements(owner, connection);
  const own = connection as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['end', 'destroy', 'close'] as const) {
    own[method] = function closing(...args: unknown[]): unknown {
      closedByClient = true;
      const original = (Object.getPrototypeOf(connection) as typeof own)[method];
      return original?.apply(connection, args);
    };
  }
  return connection;
}

function connectionLost(): Error {
  return Object.assign(new Error('Connection lost: the server closed the connection.'), {
    code: 'PROTOCOL_CONNECTION_LOST',
    fatal: true,
  });
}

/** `mysql2/promise`'s `createConnection`, over the decorated connection. */
export function createPromiseConnection(
  config: HoldfastConnectionConfig,
): Promise<ReturnType<Connection['promise']>> {
  const connection = createConnection(config);
  return new Promise((resolve, reject) => {
    connection.once('connect', () => {
      resolve(connection.promise());
    });
    connection.once('error', reject);
  });
}
