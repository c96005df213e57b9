// One client connection through the proxy and its upstream socket, with a Link each way.
import type { Socket } from 'node:net';
import type { Clock } from '../internal/Clock.js';
import type { Random } from '../internal/Random.js';
import { Link } from './Link.js';
import type { LinkContext } from './toxics/ToxicInstance.js';
import type { ToxicDescription } from './toxics/ToxicOptions.js';

export interface ProxyConnectionOptions {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly clock: Clock;
  readonly random: Random;
  readonly countBytes: (stream: 'upstream' | 'downstream', bytes: number) => void;
  readonly onClosed: () => void;
}

export class ProxyConnection {
  private readonly client: Socket;
  private readonly upstream: Socket;
  private readonly upstreamLink: Link;
  private readonly downstreamLink: Link;
  private readonly random: Random;
  /** Resolves when both sockets have closed. */
  readonly closed: Promise<void>;

  constructor(options: ProxyConnectionOptions) {
    const { client, upstream, clock, random, countBytes } = options;
    this.client = client;
    this.upstream = upstream;
    this.random = random;
    // Go (Toxiproxy) sockets have TCP_NODELAY on: slices and paced pieces leave one by one.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const context: LinkContext = {
      clock,
      random,
      wait: (ms, signal) => wait(clock, ms, signal),
      close: () => {
        this.close();
      },
      reset: () => {
        this.reset();
      },
    };
    this.upstreamLink = new Link(client, upstream, context, (n) => {
      countBytes('upstream', n);
    });
    this.downstreamLink = new Link(upstream, client, context, (n) => {
      countBytes('downstream', n);
    });
    // An RST from one side is passed on as an RST; any other failure as a plain close.
    const propagate = (other: Socket) => (error: NodeJS.ErrnoException) => {
      this.stopLinks();
      if (error.code === 'ECONNRESET') resetSocket(other);
      else other.destroy();
    };
    client.on('error', propagate(upstream));
    upstream.on('error', propagate(client));
    const closedOne = (socket: Socket) =>
      new Promise<void>((resolve) => {
        socket.once('close', () => {
          resolve();
        });
      });
    this.closed = Promise.all([closedOne(client), closedOne(upstream)]).then(() => {
      this.stopLinks();
      options.onClosed();
    });
  }

  /** Applies a toxic to this connection with probability `toxicity` (drawn once, here). */
  apply(toxic: ToxicDescription): void {
    if (toxic.type === 'down' || this.random() >= toxic.toxicity) return;
    (toxic.stream === 'upstream' ? this.upstreamLink : this.downstreamLink).add(toxic);
  }

  remove(id: string): void {
    this.upstreamLink.remove(id);
    this.downstreamLink.remove(id);
  }

  /** Graceful: both sockets end after their pending writes, then close. */
  close(): void {
    this.stopLinks();
    for (const socket of [this.client, this.upstream]) {
      socket.end(() => socket.destroy());
    }
  }

  /** TCP RST on both sockets. */
  reset(): void {
    this.stopLinks();
    resetSocket(this.client);
    resetSocket(this.upstream);
  }

  /** Immediate close of both sockets (proxy `down` or `close()`). */
  destroy(): void {
    this.stopLinks();
    this.client.destroy();
    this.upstream.destroy();
  }

  private stopLinks(): void {
    this.upstreamLink.stop();
    this.downstreamLink.stop();
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    // Not a TCP handle any more (closing): a plain destroy is all that is left.
    socket.destroy();
  }
}

function wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
