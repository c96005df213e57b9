// A tiny in-process TCP server for FaultProxy specs: echoes by default and exposes the
// server-side sockets, so a spec can end, reset or watch them.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpTestServer {
  readonly port: number;
  /** Server-side sockets, in accept order. */
  readonly sockets: Socket[];
  /** Chunks received per server-side socket (same index as `sockets`). */
  readonly received: Buffer[][];
  /** Resolves with the next accepted server-side socket. */
  nextSocket(): Promise<Socket>;
  close(): Promise<void>;
}

export async function startTcpTestServer({ echo = true } = {}): Promise<TcpTestServer> {
  const sockets: Socket[] = [];
  const received: Buffer[][] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    sockets.push(socket);
    received.push(chunks);
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      if (echo && socket.writable) socket.write(data);
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
    waiting.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    sockets,
    received,
    nextSocket: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** A client socket with what it received and how it ended, for assertions. */
export interface TestClient {
  readonly socket: Socket;
  /** All bytes received so far. */
  data(): Buffer;
  /** Resolves once `n` bytes have arrived (or rejects after `timeoutMs`). */
  waitForBytes(n: number, timeoutMs?: number): Promise<Buffer>;
  /** Resolves with the error code (or 'end'/'close') that finished the socket. */
  readonly ended: Promise<string>;
}

export async function connectClient(port: number): Promise<TestClient> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: false });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  const listeners: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    for (const l of [...listeners]) l();
  });
  const ended = new Promise<string>((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code ?? 'error');
    });
    socket.once('end', () => {
      resolve('end');
    });
    socket.once('close', () => {
      resolve('close');
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const data = () => Buffer.concat(chunks);
  return {
    socket,
    data,
    ended,
    waitForBytes: (n, timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (data().length >= n) {
            clearTimeout(timer);
            listeners.splice(listeners.indexOf(check), 1);
            resolve(data());
          }
        };
        const timer = setTimeout(() => {
          listeners.splice(listeners.indexOf(check), 1);
          reject(new Error(`waited ${timeoutMs} ms for ${n} bytes, got ${data().length}`));
        }, timeoutMs);
        listeners.push(check);
        check();
      }),
  };
}

/** Connects and returns the error code of a failed connect, or 'connected'. */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code ?? 'error');
    });
  });
}
