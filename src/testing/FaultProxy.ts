// A TCP proxy on 127.0.0.1 that injects Toxiproxy's faults between a client and a server,
// in-process, for tests (holdfast/testing).
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ClosedError } from '../errors/ClosedError.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { expectInteger, rejectUnknownKeys } from '../internal/validate.js';
import { ProxyConnection } from './ProxyConnection.js';
import type { ToxicDescription, ToxicOptions } from './toxics/ToxicOptions.js';
import { validateToxic } from './toxics/validateToxic.js';

/** Options of `FaultProxy.start()`. */
export interface FaultProxyOptions {
  /**
   * The server the proxy forwards to; `localAddress` is the address its connections come from
   * (e.g. `127.0.0.2`, to exercise a server's per-host limits, which exempt 127.0.0.1).
   */
  readonly upstream: {
    readonly host: string;
    readonly port: number;
    readonly localAddress?: string;
  };
  /** Where the proxy listens (always 127.0.0.1). @default a free port */
  readonly listen?: { readonly port?: number };
  /** Time seam for the toxics' timers. @default the system clock */
  readonly clock?: Clock;
  /** Randomness for toxicity, jitter and slice sizes. @default Math.random */
  readonly random?: Random;
}

/** Counters since the proxy started. */
export interface FaultProxyStats {
  /** Client connections accepted in total, and those still open. */
  readonly connections: { readonly total: number; readonly active: number };
  /** Bytes delivered to the server (after the upstream toxics). */
  readonly bytesUpstream: number;
  /** Bytes delivered to clients (after the downstream toxics). */
  readonly bytesDownstream: number;
}

type ProxyStatus = 'listening' | 'down' | 'closed';
const proxyTransitions = {
  listening: ['down', 'closed'],
  down: ['listening', 'closed'],
  closed: [],
} as const satisfies Record<ProxyStatus, readonly ProxyStatus[]>;

/**
 * A TCP proxy with Toxiproxy's toxics: `latency`, `down`, `timeout`, `reset_peer`, `slicer`,
 * `limit_data`, `bandwidth`, `slow_close`. Toxics are added and removed at run time and act on
 * live connections too. Only loopback: it listens on 127.0.0.1.
 *
 * @example
 * const proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: 6379 } });
 * const id = proxy.add({ type: 'latency', attributes: { latency: 500 } });
 * // ... point the client at 127.0.0.1:proxy.port, observe the slowness ...
 * await proxy.remove(id);
 * await proxy.close();
 */
export class FaultProxy {
  /** The address clients connect to. */
  readonly host = '127.0.0.1';
  private server: Server;
  private listenPort: number;
  private status: ProxyStatus = 'listening';
  private readonly upstream: FaultProxyOptions['upstream'];
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly active = new Set<ProxyConnection>();
  private toxicList: ToxicDescription[] = [];
  private nextId = 1;
  private relisten: Promise<void> = Promise.resolve();
  private counters = { total: 0, bytesUpstream: 0, bytesDownstream: 0 };

  private constructor(options: FaultProxyOptions, server: Server, port: number) {
    this.upstream = options.upstream;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.server = server;
    this.listenPort = port;
  }

  /**
   * Starts listening on 127.0.0.1 and resolves once it accepts connections.
   * @throws {ConfigurationError} malformed options.
   */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    rejectUnknownKeys(options, ['upstream', 'listen', 'clock', 'random'], 'FaultProxy.start()');
    expectInteger('upstream.port', options.upstream.port, 1);
    const wanted = options.listen?.port ?? 0;
    expectInteger('listen.port', wanted, 0);
    // The listener exists before the proxy object; connections are handed over through this.
    const holder: { proxy?: FaultProxy } = {};
    const server = await listen(wanted, (socket) => {
      if (holder.proxy === undefined) socket.destroy();
      else holder.proxy.accept(socket);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : wanted;
    holder.proxy = new FaultProxy(options, server, port);
    return holder.proxy;
  }

  /** The port clients connect to (kept across `down`). */
  get port(): number {
    return this.listenPort;
  }

  /**
   * Adds a toxic; it reaches live connections at once and every new one. Returns its id.
   * @throws {ConfigurationError} unknown type, attribute or stream, or a duplicate `name`.
   * @throws {ClosedError} the proxy was closed.
   */
  add(options: ToxicOptions): string {
    this.requireOpen();
    const id = options.name ?? `${options.type}_${options.stream ?? 'downstream'}_${this.nextId++}`;
    if (this.toxicList.some((t) => t.id === id)) {
      throw new ConfigurationError(`A toxic named ${JSON.stringify(id)} already exists.`, {
        option: 'name',
      });
    }
    const toxic = validateToxic(options, id);
    this.toxicList.push(toxic);
    if (toxic.type === 'down') this.goDown();
    else for (const connection of this.active) connection.apply(toxic);
    return id;
  }

  /**
   * Removes a toxic (unknown ids are ignored). Data a toxic holds back is released; after the
   * last `down`, resolves once the proxy listens again on the same port.
   */
  async remove(id: string): Promise<void> {
    const toxic = this.toxicList.find((t) => t.id === id);
    if (toxic === undefined) return;
    this.toxicList = this.toxicList.filter((t) => t !== toxic);
    for (const connection of this.active) connection.remove(id);
    if (toxic.type === 'down' && !this.toxicList.some((t) => t.type === 'down')) this.goUp();
    await this.relisten;
  }

  /** Removes every toxic. */
  async reset(): Promise<void> {
    for (const toxic of [...this.toxicList]) await this.remove(toxic.id);
  }

  /** The toxics in force, in the order they apply. */
  toxics(): readonly ToxicDescription[] {
    return [...this.toxicList];
  }

  /** Connection and byte counters. */
  stats(): FaultProxyStats {
    const { total, bytesUpstream, bytesDownstream } = this.counters;
    return { connections: { total, active: this.active.size }, bytesUpstream, bytesDownstream };
  }

  /** Closes the listener and every socket the proxy opened; resolves when all are closed. */
  async close(): Promise<void> {
    if (this.status === 'closed') return;
    this.transition('closed');
    this.toxicList = [];
    await this.relisten.catch(() => undefined);
    const closing = [...this.active].map((connection) => {
      connection.destroy();
      return connection.closed;
    });
    await Promise.all([closeServer(this.server), ...closing]);
  }

  private accept(client: Socket): void {
    if (this.status !== 'listening') {
      client.destroy();
      return;
    }
    const { host, port, localAddress } = this.upstream;
    const upstream = connect({
      host,
      port,
      ...(localAddress !== undefined && { localAddress }),
      allowHalfOpen: true,
    });
    this.counters.total += 1;
    const connection = new ProxyConnection({
      client,
      upstream,
      clock: this.clock,
      random: this.random,
      countBytes: (stream, bytes) => {
        if (stream === 'upstream') this.counters.bytesUpstream += bytes;
        else this.counters.bytesDownstream += bytes;
      },
      onClosed: () => this.active.delete(connection),
    });
    this.active.add(connection);
    for (const toxic of this.toxicList) connection.apply(toxic);
  }

  private goDown(): void {
    if (this.status !== 'listening') return;
    this.transition('down');
    // Closing the listening socket makes new connects fail with ECONNREFUSED, as in Toxiproxy.
    void closeServer(this.server);
    for (const connection of this.active) connection.destroy();
  }

  private goUp(): void {
    if (this.status !== 'down') return;
    this.relisten = listen(this.listenPort, (socket) => {
      this.accept(socket);
    }).then(async (server) => {
      if (this.status === 'closed') {
        await closeServer(server);
        return;
      }
      this.server = server;
      this.transition('listening');
    });
  }

  private transition(next: ProxyStatus): void {
    const allowed: readonly ProxyStatus[] = proxyTransitions[this.status];
    if (!allowed.includes(next)) {
      throw new Error(`FaultProxy: illegal transition ${this.status} -> ${next}`);
    }
    this.status = next;
  }

  private requireOpen(): void {
    if (this.status === 'closed') {
      throw new ClosedError('This FaultProxy was closed; start a new one with FaultProxy.start().');
    }
  }
}

function listen(port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ allowHalfOpen: true }, onConnection);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      // A listening server's later errors (EMFILE on accept) must not crash the test process.
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
  });
}
