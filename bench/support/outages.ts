// Outages the recovery case can cause: a private redis-server or mariadbd killed and restarted
// (spec/helpers/servers), or, for the quick run, a FaultProxy in front of the shared server
// taken `down`. Each knows how to tell, with a raw socket, that the server answers again.
import { connect } from 'node:net';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { MariaDbServer } from '../../spec/helpers/servers/MariaDbServer.js';
import { RedisServer } from '../../spec/helpers/servers/RedisServer.js';

export type Protocol = 'redis' | 'mysql';

export interface Outage {
  /** How the outage is made, for the report (`private redis-server killed (SIGKILL)`). */
  readonly how: string;
  readonly protocol: Protocol;
  readonly host: string;
  readonly port: number;
  /** Makes the server unreachable; resolves once it is. */
  down(): Promise<void>;
  /** Brings it back; may resolve after the server is ready (a restart waits for it). */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** One raw readiness probe: Redis answers PING with +PONG, MySQL sends its greeting. */
export function probe(protocol: Protocol, host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (ready: boolean): void => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('close', () => {
      done(false);
    });
    socket.once('connect', () => {
      if (protocol === 'redis') socket.write('*1\r\n$4\r\nPING\r\n');
    });
    socket.on('data', (chunk: Buffer) => {
      if (protocol === 'mysql') {
        // A handshake packet is protocol version 10; an error packet (0xff) is not ready.
        done(chunk.length > 4 && chunk[4] === 10);
        return;
      }
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Polls `probe` every `intervalMs` (one probe at a time) and resolves with the
 * `performance.now()` of the first success.
 */
export async function pollUntilReady(
  protocol: Protocol,
  host: string,
  port: number,
  intervalMs = 10,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await probe(protocol, host, port)) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${protocol} on ${host}:${port} not ready within ${timeoutMs} ms`);
}

/** A private server killed with SIGKILL and restarted on the same port and data dir. */
export async function privateServerOutage(protocol: Protocol): Promise<Outage> {
  const server = protocol === 'redis' ? await RedisServer.start() : await MariaDbServer.start();
  return {
    how: `private ${protocol === 'redis' ? 'redis-server' : 'mariadbd'} killed (SIGKILL), then restarted`,
    protocol,
    host: server.host,
    port: server.port,
    down: () => server.kill('SIGKILL'),
    up: () => server.restart(),
    close: () => server.stop(),
  };
}

/** A FaultProxy in front of the shared server, taken `down` (listener and links closed). */
export async function proxyOutage(protocol: Protocol): Promise<Outage> {
  const upstream = { host: '127.0.0.1', port: protocol === 'redis' ? 6379 : 3306 };
  const proxy = await FaultProxy.start({ upstream });
  let downId: string | undefined;
  return {
    how: `FaultProxy \`down\` in front of the shared ${protocol === 'redis' ? 'Redis' : 'MariaDB'}`,
    protocol,
    host: proxy.host,
    port: proxy.port,
    down: async () => {
      downId = proxy.add({ type: 'down' });
    },
    up: async () => {
      if (downId !== undefined) await proxy.remove(downId);
      downId = undefined;
    },
    close: () => proxy.close(),
  };
}
