// FaultProxy over real loopback sockets to an in-process echo server (an integration spec: real
// sockets, real time): each toxic's effect is measured (time, bytes, how the socket ended).
// Nothing asserts that something was fast in wall-clock time (shared cores make that flaky):
// "no delay" and "shorter delay" are read from the timers the proxy asked its clock for; lower
// bounds allow for libuv's millisecond timer rounding.
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { type Clock, systemClock } from '../../src/internal/Clock.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { seqRandom } from '../helpers/seqRandom.js';
import {
  connectClient,
  startTcpTestServer,
  tryConnect,
  type TcpTestServer,
} from '../helpers/tcpTestServer.js';

const SLACK_MS = 15;

/** The system clock, recording every timer the proxy schedules and clears. */
function recordingClock(): { clock: Clock; scheduled: number[]; cleared: () => number } {
  const scheduled: number[] = [];
  let cleared = 0;
  return {
    scheduled,
    cleared: () => cleared,
    clock: {
      now: () => systemClock.now(),
      setTimeout: (callback, ms) => {
        scheduled.push(ms);
        return systemClock.setTimeout(callback, ms);
      },
      clearTimeout: (handle) => {
        cleared += 1;
        systemClock.clearTimeout(handle);
      },
    },
  };
}

async function roundTripMs(client: Awaited<ReturnType<typeof connectClient>>, payload = 'ping') {
  const before = client.data().length;
  const started = performance.now();
  client.socket.write(payload);
  await client.waitForBytes(before + payload.length);
  return performance.now() - started;
}

describe('FaultProxy', () => {
  let server: TcpTestServer;
  let proxy: FaultProxy;
  let timers: ReturnType<typeof recordingClock>;

  beforeEach(async () => {
    server = await startTcpTestServer();
    timers = recordingClock();
    proxy = await FaultProxy.start({
      upstream: { host: '127.0.0.1', port: server.port },
      clock: timers.clock,
    });
  });

  afterEach(async () => {
    await proxy.close();
    await server.close();
  });

  describe('without toxics', () => {
    it('relays both ways and counts connections and delivered bytes', async () => {
      const client = await connectClient(proxy.port);
      client.socket.write('hello');
      expect((await client.waitForBytes(5)).toString()).to.equal('hello');
      expect(proxy.stats()).to.deep.equal({
        connections: { total: 1, active: 1 },
        bytesUpstream: 5,
        bytesDownstream: 5,
      });
      client.socket.end();
      await client.ended;
      await delay(50);
      expect(proxy.stats().connections).to.deep.equal({ total: 1, active: 0 });
    });
  });

  describe('latency', () => {
    it('delays downstream data by latency ms', async () => {
      const client = await connectClient(proxy.port);
      await roundTripMs(client);
      proxy.add({ type: 'latency', attributes: { latency: 150 } });
      expect(await roundTripMs(client)).to.be.at.least(150 - SLACK_MS);
    });

    it('draws jitter through the random seam: latency - jitter at random 0', async () => {
      await proxy.close();
      proxy = await FaultProxy.start({
        upstream: { host: '127.0.0.1', port: server.port },
        random: seqRandom([0]),
        clock: timers.clock,
      });
      const client = await connectClient(proxy.port);
      // Without jitter this would wait 1000 ms; at random 0 it is 1000 - 900.
      proxy.add({ type: 'latency', attributes: { latency: 1000, jitter: 900 } });
      const ms = await roundTripMs(client);
      expect(ms).to.be.at.least(100 - SLACK_MS);
      expect(timers.scheduled).to.have.length(1);
      expect(timers.scheduled[0]).to.be.within(0, 100);
    });

    it('acts upstream only when stream is upstream', async () => {
      const client = await connectClient(proxy.port);
      await roundTripMs(client);
      proxy.add({ type: 'latency', stream: 'upstream', attributes: { latency: 150 } });
      const next = server.received[0]!.length;
      const started = performance.now();
      client.socket.write('x');
      while (server.received[0]!.length === next) await delay(5);
      expect(performance.now() - started).to.be.at.least(150 - SLACK_MS);
    });

    it('releases held data at once when removed', async () => {
      const client = await connectClient(proxy.port);
      const id = proxy.add({ type: 'latency', attributes: { latency: 10_000 } });
      const started = performance.now();
      client.socket.write('held');
      await delay(100);
      expect(client.data().length).to.equal(0);
      const clearedBefore = timers.cleared();
      await proxy.remove(id);
      await client.waitForBytes(4);
      // Released by removing the toxic: its 10 s wait was cut short, not waited out.
      expect(timers.cleared()).to.be.above(clearedBefore);
      expect(performance.now() - started).to.be.below(10_000);
    });
  });

  describe('down', () => {
    it('refuses new connections and cuts live ones, then listens again on the same port', async () => {
      const live = await connectClient(proxy.port);
      const port = proxy.port;
      const id = proxy.add({ type: 'down' });
      expect(await live.ended).to.be.oneOf(['end', 'close', 'ECONNRESET']);
      expect(await tryConnect(port)).to.equal('ECONNREFUSED');
      await proxy.remove(id);
      expect(proxy.port).to.equal(port);
      const again = await connectClient(port);
      again.socket.write('up');
      expect((await again.waitForBytes(2)).toString()).to.equal('up');
    });
  });

  describe('timeout', () => {
    it('blackholes data, then closes the connection after timeout ms', async () => {
      const client = await connectClient(proxy.port);
      const started = performance.now();
      proxy.add({ type: 'timeout', attributes: { timeout: 300 } });
      client.socket.write('lost');
      const how = await client.ended;
      expect(how).to.equal('end');
      expect(client.data().length).to.equal(0);
      expect(performance.now() - started).to.be.at.least(300 - SLACK_MS);
    });

    it('with timeout 0 keeps the connection open and silent until removed', async () => {
      const client = await connectClient(proxy.port);
      const id = proxy.add({ type: 'timeout' });
      client.socket.write('lost');
      const outcome = await Promise.race([client.ended, delay(400, 'still open')]);
      expect(outcome).to.equal('still open');
      expect(client.data().length).to.equal(0);
      await proxy.remove(id);
      client.socket.write('back');
      expect((await client.waitForBytes(4)).toString()).to.equal('back');
    });
  });

  describe('reset_peer', () => {
    it('resets the client with ECONNRESET on the first reply', async () => {
      const client = await connectClient(proxy.port);
      proxy.add({ type: 'reset_peer' });
      client.socket.write('reply please');
      expect(await client.ended).to.equal('ECONNRESET');
      expect(client.data().length).to.equal(0);
    });

    it('waits timeout ms before the reset', async () => {
      const client = await connectClient(proxy.port);
      proxy.add({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 200 } });
      const started = performance.now();
      client.socket.write('request');
      expect(await client.ended).to.equal('ECONNRESET');
      expect(performance.now() - started).to.be.at.least(200 - SLACK_MS);
    });
  });

  describe('slicer', () => {
    it('delivers a write in several smaller pieces, bytes intact', async () => {
      const client = await connectClient(proxy.port);
      proxy.add({
        type: 'slicer',
        stream: 'upstream',
        attributes: { average_size: 10, size_variation: 0, delay: 10_000 },
      });
      const payload = 'abcdefghij'.repeat(10);
      client.socket.write(payload);
      await client.waitForBytes(100);
      await delay(20);
      const pieces = server.received[0]!;
      expect(Buffer.concat(pieces).toString()).to.equal(payload);
      expect(pieces.length).to.be.at.least(4);
    });
  });

  describe('limit_data', () => {
    it('passes exactly bytes bytes, then closes the connection', async () => {
      const client = await connectClient(proxy.port);
      proxy.add({ type: 'limit_data', attributes: { bytes: 10 } });
      client.socket.write('0123456789abcdefghij');
      expect(await client.ended).to.equal('end');
      expect(client.data().toString()).to.equal('0123456789');
    });
  });

  describe('bandwidth', () => {
    it('throttles to rate KB/s', async () => {
      const client = await connectClient(proxy.port);
      proxy.add({ type: 'bandwidth', attributes: { rate: 10 } });
      // 3000 bytes at 10 KB/s (10 bytes per ms) take 300 ms.
      const ms = await roundTripMs(client, 'x'.repeat(3000));
      expect(ms).to.be.at.least(300 - SLACK_MS);
    });
  });

  describe('slow_close', () => {
    it('delays the close passed to the client by delay ms', async () => {
      const client = await connectClient(proxy.port);
      proxy.add({ type: 'slow_close', attributes: { delay: 300 } });
      const started = performance.now();
      client.socket.end();
      expect(await client.ended).to.equal('end');
      expect(performance.now() - started).to.be.at.least(300 - SLACK_MS);
    });
  });

  describe('toxicity', () => {
    it('never applies a toxic with toxicity 0', async () => {
      proxy.add({ type: 'latency', toxicity: 0, attributes: { latency: 5000 } });
      const client = await connectClient(proxy.port);
      await roundTripMs(client);
      expect(timers.scheduled).to.deep.equal([]);
    });

    it('draws once per connection through the random seam', async () => {
      await proxy.close();
      proxy = await FaultProxy.start({
        upstream: { host: '127.0.0.1', port: server.port },
        random: seqRandom([0.2, 0.8]),
        clock: timers.clock,
      });
      proxy.add({ type: 'reset_peer', toxicity: 0.5 });
      const hit = await connectClient(proxy.port);
      await delay(30);
      const spared = await connectClient(proxy.port);
      hit.socket.write('a');
      spared.socket.write('b');
      expect(await hit.ended).to.equal('ECONNRESET');
      expect((await spared.waitForBytes(1)).toString()).to.equal('b');
    });
  });

  describe('reset', () => {
    it('removes every toxic', async () => {
      proxy.add({ type: 'latency', attributes: { latency: 5000 } });
      proxy.add({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 1 } });
      await proxy.reset();
      expect(proxy.toxics()).to.deep.equal([]);
      const client = await connectClient(proxy.port);
      await roundTripMs(client);
      expect(timers.scheduled).to.deep.equal([]);
    });
  });

  describe('upstream failures', () => {
    it('passes an RST from the server on to the client', async () => {
      const client = await connectClient(proxy.port);
      const serverSide = await server.nextSocket();
      serverSide.resetAndDestroy();
      expect(await client.ended).to.equal('ECONNRESET');
    });
  });

  describe('add', () => {
    it('rejects an unknown type, attribute, stream or toxicity with ERR_HOLDFAST_CONFIG', () => {
      const bad: unknown[] = [
        { type: 'lag' },
        { type: 'latency', attributes: { latency: 1, jiter: 2 } },
        { type: 'latency', attributes: {} },
        { type: 'latency', attributes: { latency: -1 } },
        { type: 'timeout', stream: 'sideways' },
        { type: 'timeout', toxicity: 2 },
        { type: 'slicer', attributes: { average_size: 0 } },
      ];
      for (const options of bad) {
        expect(() => proxy.add(options as never), JSON.stringify(options))
          .to.throw()
          .with.property('code', 'ERR_HOLDFAST_CONFIG');
      }
      expect(proxy.toxics()).to.deep.equal([]);
    });

    it('requires the attributes a type cannot do without, in types and at run time', () => {
      // @ts-expect-error latency needs attributes.latency
      expect(() => proxy.add({ type: 'latency' }))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CONFIG');
    });

    it('rejects a duplicate name', () => {
      proxy.add({ type: 'timeout', name: 'hole' });
      expect(() => proxy.add({ type: 'timeout', name: 'hole' }))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CONFIG');
    });

    it('applies Toxiproxy defaults: downstream, toxicity 1, zero attributes', () => {
      const id = proxy.add({ type: 'reset_peer' });
      expect(proxy.toxics()).to.deep.equal([
        { id, type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } },
      ]);
    });
  });

  describe('close', () => {
    it('ends every socket it opened and leaves no handle or timer behind', async () => {
      await proxy.close();
      await server.close();
      await delay(20);
      const baseline = countResources();
      server = await startTcpTestServer();
      proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: server.port } });
      const clients = await Promise.all([connectClient(proxy.port), connectClient(proxy.port)]);
      proxy.add({ type: 'timeout', attributes: { timeout: 60_000 } });
      proxy.add({ type: 'latency', stream: 'upstream', attributes: { latency: 60_000 } });
      clients[0].socket.write('held');
      await delay(30);
      await proxy.close();
      for (const client of clients) expect(await client.ended).to.be.oneOf(['end', 'close']);
      await server.close();
      await delay(20);
      expect(countResources()).to.deep.equal(baseline);
      expect(() => proxy.add({ type: 'down' }))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CLOSED');
    });
  });
});

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) {
    if (name === 'TTYWrap' || name === 'FSReqCallback') continue;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
