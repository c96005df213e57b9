import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** What mysql2 hands a `stream` factory: the options of the connection being built. */
interface StreamFactoryArgument {
  readonly config: ConnectionConfigLike;
}

interface ConnectionConfigLike {
  readonly host?: string;
  readonly port?: number;
  readonly socketPath?: string;
  readonly enableKeepAlive?: boolean;
  readonly keepAliveInitialDelay?: number;
}

/** mysql2's `stream` option as a factory. */
export type StreamFactory = (argument: StreamFactoryArgument) => Duplex;

/**
 * Opens the sockets of one pool's (or one target's) connections through mysql2's public `stream`
 * option, and remembers each by the connection's own config object (mysql2 builds one per
 * connection and passes it to the factory; the connection keeps it as `connection.config`).
 * So holdfast can tear a socket down at once: mysql2's `destroy()` only half-closes it, and a
 * paused or partitioned server never answers the FIN; and `close()` can end the handshakes still
 * under way, which no public mysql2 list shows.
 *
 * The socket is opened as mysql2 opens it (TCP_NODELAY, optional keep-alive), or by the user's
 * own `stream` factory when the config has one.
 */
// Every socket a tracker opened, by its connection's config object (shared by all trackers).
const byConfig = new WeakMap<object, Duplex>();

/**
 * Tears down the socket of the connection built with `config` at once (no FIN handshake). With
 * an `error`, mysql2 sees a network error: every command queued on the connection fails with it
 * and the connection leaves its pool. Returns false when holdfast did not open that socket.
 */
export function destroySocket(config: object, error?: Error): boolean {
  const socket = byConfig.get(config);
  if (socket === undefined) return false;
  socket.destroy(error);
  return true;
}

/** Runs `closed` once the socket of the connection built with `config` has closed. */
export function whenSocketClosed(config: object, closed: () => void): void {
  const socket = byConfig.get(config);
  if (socket === undefined || socket.destroyed) closed();
  else socket.once('close', closed);
}

export class SocketTracker {
  /** Config of each socket still open. */
  readonly #configs = new Map<object, Duplex>();
  readonly #userFactory: StreamFactory | undefined;
  /** Called before each socket opens; may delay the connect (see createConnection). */
  readonly factory: StreamFactory;

  constructor(userStream: unknown, beforeConnect?: (socket: Socket, open: () => void) => void) {
    this.#userFactory =
      typeof userStream === 'function' ? (userStream as StreamFactory) : undefined;
    this.factory = (argument) => {
      const socket = this.#userFactory?.(argument) ?? openSocket(argument.config, beforeConnect);
      byConfig.set(argument.config, socket);
      this.#configs.set(argument.config, socket);
      socket.once('close', () => {
        this.#configs.delete(argument.config);
      });
      return socket;
    };
  }

  /** Sockets not yet closed (handshakes included). */
  get size(): number {
    return this.#configs.size;
  }

  /** Tears down the sockets of connections for which `keep(config)` is false. */
  destroyUnless(keep: (config: object) => boolean): void {
    for (const [config, socket] of this.#configs) if (!keep(config)) socket.destroy();
  }

  destroyAll(): void {
    for (const socket of [...this.#configs.values()]) socket.destroy();
  }
}

function openSocket(
  config: ConnectionConfigLike,
  beforeConnect: ((socket: Socket, open: () => void) => void) | undefined,
): Socket {
  // An unconnected socket: mysql2 writes nothing before the server's greeting arrives, so the
  // connect itself may wait (createConnection waits for the target's reconnect loop here).
  const socket = new Socket();
  const open = (): void => {
    if (config.socketPath !== undefined) socket.connect(config.socketPath);
    else socket.connect(config.port ?? 3306, config.host ?? 'localhost');
    socket.once('connect', () => socket.setNoDelay(true));
    if (config.enableKeepAlive === true) {
      socket.once('connect', () => {
        socket.setKeepAlive(true, config.keepAliveInitialDelay);
      });
    }
  };
  if (beforeConnect === undefined) open();
  else beforeConnect(socket, open);
  return socket;
}
