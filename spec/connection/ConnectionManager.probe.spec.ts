import { expect } from 'chai';
import type sinon from 'sinon';
import type { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import type { ProbeResult } from '../../src/probe/ProbeResult.js';
import type { Probe } from '../../src/probe/tcpProbe.js';
import { accessDenied, codeError, connectionRefused } from '../helpers/fakeErrors.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';
import type { TelemetryCapture } from '../helpers/telemetry.js';
import { useFakeManagers } from './fakeManagers.js';
import { type FakeConnection, FakeConnector } from './fakes.js';

type Options = Partial<ConnectionManagerOptions<FakeConnection>>;
const refused: ProbeResult = { outcome: 'refused', error: connectionRefused() };

/** A scripted probe: answers `refused` until `upAt` (fake ms), then `listening`. */
function scriptedProbe(upAt = Infinity) {
  const calls: { at: number; signal: AbortSignal }[] = [];
  const probe: Probe = (_address, signal) => {
    calls.push({ at: Date.now(), signal });
    return Promise.resolve(Date.now() >= upAt ? { outcome: 'listening' } : refused);
  };
  return { probe, calls };
}

describe('ConnectionManager (probe)', () => {
  const fixture = useFakeManagers();
  let clock: sinon.SinonFakeTimers;
  let capture: TelemetryCapture;
  beforeEach(() => {
    clock = fixture.clock;
    capture = fixture.capture;
  });

  /** MySQL defaults, jitter factor 1.0 (waits 1000, 2000, 4000), a TCP target, no budget. */
  const make = (connector: FakeConnector, options: Options = {}) =>
    fixture.make(connector, {
      target: { system: 'mysql', address: 'db.internal', port: 3306 },
      tracer: fixture.capture.tracer,
      ...options,
    });

  function events(manager: ConnectionManager<FakeConnection>) {
    const seen: ConnectionEvent<FakeConnection>[] = [];
    manager.events$.subscribe((event) => seen.push(event));
    return seen;
  }

  const attemptTimes = (connector: FakeConnector, starts: number[]) => {
    const original = connector.connect;
    return (signal: AbortSignal) => {
      starts.push(Date.now());
      return original(signal);
    };
  };

  it('ends the wait when a probe connects after "connection refused": the retry starts then', async () => {
    const connector = new FakeConnector([connectionRefused(), 'ok']);
    const starts: number[] = [];
    const p = scriptedProbe(350);
    const manager = make(connector, {
      connect: attemptTimes(connector, starts),
      probe: { probe: p.probe },
    });
    const seen = events(manager);
    const ready = settled(manager.ready());
    await clock.tickAsync(0);
    expect(manager.state).to.deep.include({ status: 'retrying', delayMs: 1000, probing: true });
    await clock.tickAsync(400);
    expect(ready.state).to.equal('resolved');
    expect(starts).to.deep.equal([0, 400]);
    expect(p.calls.map((c) => c.at)).to.deep.equal([100, 200, 300, 400]);
    const probes = seen.flatMap((e) => (e.type === 'probe-result' ? [[e.probe, e.outcome]] : []));
    expect(probes).to.deep.equal([
      [1, 'refused'],
      [2, 'refused'],
      [3, 'refused'],
      [4, 'listening'],
    ]);
    expect(seen.filter((e) => e.type === 'attempt-started')).to.have.length(2);
    await clock.tickAsync(1);
    expect(clock.countTimers()).to.equal(0);
    const connect = capture.spans().find((s) => s.name === 'connect mysql-main');
    const listening = connect?.events.find((e) => e.name === 'probe.listening');
    expect(listening?.attributes).to.deep.include({
      'holdfast.retry': 1,
      'holdfast.probe.count': 4,
    });
  });

  it('a probe is not an attempt: the cycle still has all its retries', async () => {
    const connector = new FakeConnector([connectionRefused()]);
    const p = scriptedProbe();
    const manager = make(connector, { probe: { probe: p.probe }, waitLimitMs: 0 });
    const ready = settled(manager.ready());
    await clock.tickAsync(7000);
    expect(ready.state).to.equal('rejected');
    expect(connector.calls).to.equal(4);
    expect(p.calls.length).to.be.within(60, 70);
  });

  const answered: [string, Error][] = [
    ['too many connections (1040)', codeError('ER_CON_COUNT_ERROR', 1040)],
    ['a timeout (blackhole)', codeError('ETIMEDOUT')],
    ['a reset', codeError('ECONNRESET')],
    ['Redis LOADING', Object.assign(new Error('LOADING loading'), { name: 'ReplyError' })],
  ];
  for (const [name, error] of answered) {
    it(`never probes after ${name}`, async () => {
      const connector = new FakeConnector([error, error, 'ok']);
      const p = scriptedProbe(0);
      const manager = make(connector, { probe: { probe: p.probe } });
      const ready = settled(manager.ready());
      await clock.tickAsync(0);
      expect(manager.state).to.not.have.property('probing');
      await clock.tickAsync(30_000);
      expect(ready.state).to.equal('resolved');
      expect(p.calls).to.have.length(0);
      expect(connector.calls).to.equal(3);
    });
  }

  it('does not probe after a fatal error (one attempt, no wait)', async () => {
    const connector = new FakeConnector([accessDenied()]);
    const p = scriptedProbe(0);
    const manager = make(connector, { probe: { probe: p.probe } });
    const ready = settled(manager.ready());
    await clock.tickAsync(5000);
    expect(ready.state).to.equal('rejected');
    expect(p.calls).to.have.length(0);
  });

  it('stops probing for this wait after a probe that timed out; the wait runs its course', async () => {
    const connector = new FakeConnector([connectionRefused(), 'ok']);
    const calls: number[] = [];
    const probe: Probe = () => {
      calls.push(Date.now());
      return Promise.resolve({ outcome: 'failed', error: codeError('ETIMEDOUT') });
    };
    const manager = make(connector, { probe: { probe } });
    const ready = settled(manager.ready());
    await clock.tickAsync(999);
    expect(ready.state).to.equal('pending');
    expect(calls).to.deep.equal([100]);
    await clock.tickAsync(1);
    expect(ready.state).to.equal('resolved');
    const connect = capture.spans().find((s) => s.name === 'connect mysql-main');
    expect(connect?.events.find((e) => e.name === 'probe.stopped')?.attributes).to.deep.include({
      'error.type': 'ETIMEDOUT',
    });
  });

  it('is off with probe: false, and without an address', async () => {
    for (const options of [
      { probe: false as const },
      { target: { system: 'redis' as const } },
      { target: {} },
    ]) {
      const connector = new FakeConnector([connectionRefused(), 'ok']);
      const manager = make(connector, options);
      const ready = settled(manager.ready());
      await clock.tickAsync(0);
      expect(manager.state).to.not.have.property('probing');
      await clock.tickAsync(999);
      expect(ready.state).to.equal('pending');
      await clock.tickAsync(1);
      expect(ready.state).to.equal('resolved');
    }
  });

  it('probes the target address by default, or the address given', async () => {
    const seen: unknown[] = [];
    const probe: Probe = (address) => {
      seen.push(address);
      return Promise.resolve({ outcome: 'listening' });
    };
    for (const options of [
      { probe: { probe } },
      { probe: { probe, address: { path: '/run/mysqld.sock' } } },
      { probe: { probe }, target: { address: '/run/redis.sock' } },
    ] satisfies Options[]) {
      const manager = make(new FakeConnector([connectionRefused(), 'ok']), options);
      await Promise.all([manager.ready(), clock.tickAsync(100)]);
    }
    expect(seen).to.deep.equal([
      { host: 'db.internal', port: 3306 },
      { path: '/run/mysqld.sock' },
      { path: '/run/redis.sock' },
    ]);
  });

  it('close() during a probed wait aborts the probe in flight and leaves no timer', async () => {
    const connector = new FakeConnector([connectionRefused()]);
    const signals: AbortSignal[] = [];
    const probe: Probe = (_address, signal) => {
      signals.push(signal);
      return new Promise(() => undefined);
    };
    const manager = make(connector, { probe: { probe } });
    const ready = settled(manager.ready());
    await clock.tickAsync(150);
    expect(signals).to.have.length(1);
    await manager.close();
    await clock.tickAsync(0);
    expect(signals[0]?.aborted).to.equal(true);
    expect(ready.state).to.equal('rejected');
    expect(clock.countTimers()).to.equal(0);
  });

  describe('a herd waiting for a server that restarts (ADR 0019, probed cycles)', () => {
    // Jitter 0.5: the cycle's waits are 500, 1000, 2000 ms and it gives up at 3.5 s, half the
    // callers' 7 s wait limit. The port refuses until `upAt`.
    const herd = (upAt: number) => {
      const connector = new FakeConnector([connectionRefused()]);
      const starts: number[] = [];
      const p = scriptedProbe(upAt);
      const manager = make(connector, {
        random: seqRandom([0]),
        probe: { probe: p.probe },
        connect: (signal) => {
          starts.push(Date.now());
          return Date.now() >= upAt
            ? Promise.resolve({ id: 1, disposed: false })
            : connector.connect(signal);
        },
      });
      return { manager, starts };
    };

    it('is not failed by a probed cycle that ends within its limit: the server back at 5 s serves every caller', async () => {
      const { manager, starts } = herd(5000);
      const calls = Array.from({ length: 200 }, () => settled(manager.ready()));
      await clock.tickAsync(10_000);
      expect(calls.map((c) => c.state)).to.deep.equal(calls.map(() => 'resolved'));
      expect(starts.at(-1)).to.be.within(5000, 5100);
    });

    it('fails at its own wait limit when the port never listens again, after at most two cycles', async () => {
      const { manager, starts } = herd(Infinity);
      const calls = Array.from({ length: 200 }, () => settled(manager.ready()));
      // Past its 7 s limit a call fails at the next failure of an attempt of its own (8 s).
      await clock.tickAsync(7900);
      expect(calls.every((c) => c.state === 'pending')).to.equal(true);
      await clock.tickAsync(200);
      expect(calls.every((c) => c.state === 'rejected')).to.equal(true);
      await clock.tickAsync(10_000);
      // The first cycle (4 attempts by 3.5 s), then one restarted cycle after the base delay.
      expect(starts).to.deep.equal([0, 500, 1500, 3500, 4500, 5000, 6000, 8000]);
    });
  });

  it('rejects a malformed probe option', () => {
    const connector = new FakeConnector(['ok']);
    for (const probe of [
      true,
      'yes',
      { intervalMs: 5 },
      { intervalMs: Number.NaN },
      { probe: 'tcp' },
      { adress: { host: 'x', port: 1 } },
    ]) {
      expect(() => make(connector, { probe: probe as never }), JSON.stringify(probe))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CONFIG');
    }
  });
});
