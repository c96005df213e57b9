// A TCP server on a free loopback port that accepts every connection and destroys it at once:
// a backend that is "up" at the TCP level and dead above it. It counts the connections that
// reached it and when, so a herd's attempts are measured where they land.
import { type Server, type Socket, connect, createServer } from 'node:net';

export class CountingServer {
  readonly port: number;
  readonly #server: Server;
  #times: number[] = [];

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
    server.on('connection', (socket) => {
      this.#times.push(performance.now());
      socket.destroy();
    });
  }

  static async start(): Promise<CountingServer> {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    return new CountingServer(server, port);
  }

  /** Forgets the connections counted so far. */
  reset(): void {
    this.#times = [];
  }

  /** `performance.now()` of each connection accepted since the last reset. */
  get times(): readonly number[] {
    return this.#times;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

/** Error of an attempt that the server closed before it said anything. */
export class ClosedBeforeGreeting extends Error {
  override readonly name = 'ClosedBeforeGreeting';
  readonly code = 'ECONNRESET';
}

/**
 * One connect attempt as a driver makes it: TCP connect, then wait for the server's first
 * bytes (a MySQL greeting, a PING reply). Against a CountingServer it always fails with an
 * `ECONNRESET`-coded error, which every library under test retries.
 */
export function connectAndAwaitGreeting(port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const fail = (error: Error): void => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => {
      fail(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('data', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      fail(error);
    });
    socket.once('close', () => {
      fail(new ClosedBeforeGreeting('the server closed the connection before its greeting'));
    });
  });
}
