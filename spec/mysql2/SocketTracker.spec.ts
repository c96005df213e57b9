import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { SocketTracker, destroySocket, whenSocketClosed } from '../../src/mysql2/SocketTracker.js';

// A user's `stream` factory handing out in-memory duplexes: no socket is opened.
function userStreams(): { factory: () => PassThrough; made: PassThrough[] } {
  const made: PassThrough[] = [];
  return {
    factory: () => {
      const stream = new PassThrough();
      made.push(stream);
      return stream;
    },
    made,
  };
}

describe('SocketTracker', () => {
  describe('factory', () => {
    it("opens each connection's stream with the user's factory and counts it until it closes", async () => {
      const streams = userStreams();
      const tracker = new SocketTracker(streams.factory);
      const config = {};
      const stream = tracker.factory({ config });
      expect(stream).to.equal(streams.made[0]);
      expect(tracker.size).to.equal(1);
      stream.destroy();
      await once(stream, 'close');
      expect(tracker.size).to.equal(0);
    });
  });

  describe('destroySocket', () => {
    it('destroys the stream of the connection built with that config, with the error given', async () => {
      const tracker = new SocketTracker(userStreams().factory);
      const config = {};
      const stream = tracker.factory({ config });
      const failure = new Error('deadline passed');
      const errored = once(stream, 'error');
      expect(destroySocket(config, failure)).to.equal(true);
      expect((await errored)[0]).to.equal(failure);
    });

    it('reports false for a config holdfast opened no stream for', () => {
      expect(destroySocket({})).to.equal(false);
    });
  });

  describe('destroyUnless and destroyAll', () => {
    it('tears down the streams not kept, then all', async () => {
      const tracker = new SocketTracker(userStreams().factory);
      const kept = {};
      const dropped = {};
      const keptStream = tracker.factory({ config: kept });
      const droppedStream = tracker.factory({ config: dropped });
      tracker.destroyUnless((config) => config === kept);
      expect(droppedStream.destroyed).to.equal(true);
      expect(keptStream.destroyed).to.equal(false);
      tracker.destroyAll();
      expect(keptStream.destroyed).to.equal(true);
    });
  });

  describe('whenSocketClosed', () => {
    it('runs the callback once the stream closed, or at once when there is none', async () => {
      const tracker = new SocketTracker(userStreams().factory);
      const config = {};
      const stream = tracker.factory({ config });
      let closed = 0;
      whenSocketClosed(config, () => (closed += 1));
      expect(closed).to.equal(0);
      stream.destroy();
      await once(stream, 'close');
      expect(closed).to.equal(1);
      whenSocketClosed({}, () => (closed += 1));
      expect(closed).to.equal(2);
    });
  });
});
