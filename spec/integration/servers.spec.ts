// The private-server helpers (spec/helpers/servers) that the chaos suite relies on: start,
// kill -9, restart on the same port with data kept, pause/resume, stop removes everything.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { expect } from 'chai';
import { createConnection } from 'mysql2/promise';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';

/** Sends one RESP command over a raw socket and returns the first reply line (or throws). */
async function redisCommand(
  port: number,
  parts: readonly string[],
  timeoutMs = 1000,
): Promise<string> {
  const payload = `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      const lines = reply.split('\r\n');
      const first = lines[0] ?? '';
      // Bulk replies ($n) carry their value on the next line.
      if (first.startsWith('$') && first !== '$-1' && lines.length < 3) return;
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      resolve(first.startsWith('$') && first !== '$-1' ? (lines[1] ?? '') : first);
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('RedisServer', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  describe('start', () => {
    it('answers PING on 127.0.0.1 on its own port', async () => {
      server = await RedisServer.start();
      expect(server.port).to.not.equal(6379);
      expect(await redisCommand(server.port, ['PING'])).to.equal('+PONG');
    });

    it('requires the password given as requirepass', async () => {
      server = await RedisServer.start({ requirepass: 's3cret' });
      expect(await redisCommand(server.port, ['GET', 'k'])).to.match(/^-NOAUTH/);
      expect(await redisCommand(server.port, ['AUTH', 's3cret'])).to.equal('+OK');
    });
  });

  describe('kill and restart', () => {
    it('keeps an acknowledged key across kill -9 with appendonly, on the same port', async () => {
      server = await RedisServer.start({ appendonly: true });
      const { port } = server;
      const oldPid = server.pid!;
      expect(await redisCommand(port, ['SET', 'k', 'v1'])).to.equal('+OK');
      await server.kill();
      expect(isAlive(oldPid)).to.equal(false);
      expect(server.pid).to.equal(undefined);
      await server.restart();
      expect(server.port).to.equal(port);
      expect(server.pid).to.not.equal(oldPid);
      expect(await redisCommand(port, ['GET', 'k'])).to.equal('v1');
    });
  });

  describe('pause and resume', () => {
    it('accepts connections but answers nothing while paused, then answers again', async () => {
      server = await RedisServer.start();
      server.pause();
      const error = await redisCommand(server.port, ['PING'], 300).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'ETIMEDOUT');
      server.resume();
      expect(await redisCommand(server.port, ['PING'])).to.equal('+PONG');
    });
  });

  describe('stop', () => {
    it('ends the process and removes the temp dir, even when paused', async () => {
      server = await RedisServer.start();
      const { pid, dir } = server;
      server.pause();
      await server.stop();
      expect(isAlive(pid!)).to.equal(false);
      expect(existsSync(dir)).to.equal(false);
    });
  });
});

describe('MariaDbServer', () => {
  let server: MariaDbServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const open = (s: MariaDbServer) =>
    createConnection({ host: s.host, port: s.port, user: 'root', database: 'test' });

  describe('start', () => {
    it('accepts root without password over TCP into database test', async () => {
      server = await MariaDbServer.start();
      expect(server.port).to.not.equal(3306);
      const c = await open(server);
      const [rows] = await c.query('SELECT DATABASE() AS db');
      await c.end();
      expect(rows).to.deep.equal([{ db: 'test' }]);
    });

    it('rejects a wrong password with ER_ACCESS_DENIED_ERROR', async () => {
      server = await MariaDbServer.start();
      const error = await createConnection({
        host: server.host,
        port: server.port,
        user: 'root',
        password: 'wrong',
      }).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'ER_ACCESS_DENIED_ERROR');
    });

    it('applies maxConnections as max_connections', async () => {
      server = await MariaDbServer.start({ maxConnections: 12 });
      const c = await open(server);
      const [rows] = await c.query('SELECT @@max_connections AS n');
      await c.end();
      expect(rows).to.deep.equal([{ n: 12 }]);
    });
  });

  describe('kill and restart', () => {
    it('keeps a committed row across kill -9, on the same port', async () => {
      server = await MariaDbServer.start();
      const { port } = server;
      const oldPid = server.pid!;
      const c = await open(server);
      await c.query('CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB');
      await c.query('INSERT INTO t VALUES (42)');
      c.destroy();
      await server.kill();
      expect(isAlive(oldPid)).to.equal(false);
      await server.restart();
      expect(server.port).to.equal(port);
      const c2 = await open(server);
      const [rows] = await c2.query('SELECT id FROM t');
      await c2.end();
      expect(rows).to.deep.equal([{ id: 42 }]);
    });
  });

  describe('pause and resume', () => {
    it('answers nothing while paused, then answers again', async () => {
      server = await MariaDbServer.start();
      server.pause();
      const error = await createConnection({
        host: server.host,
        port: server.port,
        user: 'root',
        connectTimeout: 300,
      }).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'ETIMEDOUT');
      server.resume();
      const c = await open(server);
      await c.end();
    });
  });

  describe('stop', () => {
    it('ends the process and removes the temp dir', async () => {
      server = await MariaDbServer.start();
      const { pid, dir } = server;
      await server.stop();
      expect(isAlive(pid!)).to.equal(false);
      expect(existsSync(dir)).to.equal(false);
    });
  });
});
