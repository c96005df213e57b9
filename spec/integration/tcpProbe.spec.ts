// tcpProbe on real loopback sockets (unit specs open none): what a listening port, a closed
// port, a missing unix socket and an abort look like, and that a probe writes no byte.
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { tcpProbe } from '../../src/probe/tcpProbe.js';
import { freePort } from '../helpers/servers/freePort.js';

interface Listener {
  readonly server: Server;
  readonly accepted: {
    socket: Socket;
    from: string | undefined;
    bytes: number;
    ended: Promise<void>;
  }[];
}

function listen(at: number | string): Promise<Listener> {
  const accepted: Listener['accepted'] = [];
  const server = createServer((socket) => {
    const entry = { socket, from: socket.remoteAddress, bytes: 0, ended: Promise.resolve() };
    entry.ended = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve();
      }),
    );
    socket.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
    socket.on('error', () => undefined);
    accepted.push(entry);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof at === 'number')
      server.listen(at, '127.0.0.1', () => {
        resolve({ server, accepted });
      });
    else
      server.listen(at, () => {
        resolve({ server, accepted });
      });
  });
}

const close = (server: Server): Promise<void> =>
  new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );

const openHandles = (): number =>
  (process as unknown as { _getActiveHandles(): { constructor?: { name?: string } }[] })
    ._getActiveHandles()
    .filter((h) => h.constructor?.name === 'Socket').length;

describe('tcpProbe', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hf17-probe-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a listening TCP port, closes at once and sends no byte', async () => {
    const port = await freePort();
    const l = await listen(port);
    try {
      const result = await tcpProbe({ host: '127.0.0.1', port }, new AbortController().signal);
      expect(result).to.deep.equal({ outcome: 'listening' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(l.accepted).to.have.length(1);
      await l.accepted[0]?.ended;
      expect(l.accepted[0]?.bytes).to.equal(0);
    } finally {
      await close(l.server);
    }
  });

  it('reports a closed port as refused (ECONNREFUSED)', async () => {
    const port = await freePort();
    const result = await tcpProbe({ host: '127.0.0.1', port }, new AbortController().signal);
    expect(result.outcome).to.equal('refused');
    expect((result as { error: { code?: string } }).error.code).to.equal('ECONNREFUSED');
  });

  it('finds a listening unix socket, and reports a missing one as refused (ENOENT)', async () => {
    const path = join(dir, 'probe.sock');
    const missing = await tcpProbe({ path }, new AbortController().signal);
    expect(missing.outcome).to.equal('refused');
    expect((missing as { error: { code?: string } }).error.code).to.equal('ENOENT');
    const l = await listen(path);
    try {
      expect(await tcpProbe({ path }, new AbortController().signal)).to.deep.equal({
        outcome: 'listening',
      });
    } finally {
      await close(l.server);
    }
  });

  it('connects from the given local address', async () => {
    const port = await freePort();
    const l = await listen(port);
    try {
      const result = await tcpProbe(
        { host: '127.0.0.1', port, localAddress: '127.0.0.2' },
        new AbortController().signal,
      );
      expect(result.outcome).to.equal('listening');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(l.accepted[0]?.from).to.match(/127\.0\.0\.2$/);
    } finally {
      await close(l.server);
    }
  });

  it('ends at once when aborted (already, or while connecting) and leaves no socket', async () => {
    const port = await freePort();
    const before = openHandles();
    const aborted = AbortSignal.abort(new Error('stop'));
    expect((await tcpProbe({ host: '127.0.0.1', port }, aborted)).outcome).to.equal('failed');
    const controller = new AbortController();
    const pending = tcpProbe({ host: '127.0.0.1', port }, controller.signal);
    controller.abort(new Error('stop'));
    const result = await pending;
    expect(result.outcome).to.equal('failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(openHandles()).to.equal(before);
  });
});
