import { expect } from 'chai';
import { systemClock } from '../../src/internal/Clock.js';
import sinon from 'sinon';
import type { ProbeAddress } from '../../src/probe/ProbeAddress.js';
import type { ProbeResult } from '../../src/probe/ProbeResult.js';
import type { Probe } from '../../src/probe/tcpProbe.js';
import { type ProbeReport, watchForListener } from '../../src/probe/watchForListener.js';

const address: ProbeAddress = { host: 'db.internal', port: 3306 };
const refused: ProbeResult = {
  outcome: 'refused',
  error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
};

/** A scripted probe: each call takes `tookMs` of fake time, then answers the next result. */
function scripted(results: readonly ProbeResult[], tookMs = 0) {
  const calls: { at: number; signal: AbortSignal }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const probe: Probe = (_address, signal) => {
    calls.push({ at: Date.now(), signal });
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const result = results[Math.min(calls.length - 1, results.length - 1)] ?? refused;
    if (tookMs === 0) {
      inFlight -= 1;
      return Promise.resolve(result);
    }
    return new Promise<ProbeResult>((resolve) => {
      const timer = setTimeout(() => {
        inFlight -= 1;
        resolve(result);
      }, tookMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        inFlight -= 1;
        resolve({ outcome: 'failed', error: signal.reason });
      });
    });
  };
  return {
    probe,
    calls,
    get mostInFlight() {
      return mostInFlight;
    },
  };
}

describe('watchForListener', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  function watch(probe: Probe, intervalMs?: number) {
    const reports: ProbeReport[] = [];
    let completed = false;
    const subscription = watchForListener(address, {
      probe,
      clock: systemClock,
      ...(intervalMs !== undefined && { intervalMs }),
    }).subscribe({
      next: (report) => reports.push(report),
      complete: () => {
        completed = true;
      },
    });
    return {
      reports,
      subscription,
      get completed() {
        return completed;
      },
    };
  }

  describe('pacing', () => {
    it('probes first one interval after subscription, then every 100 ms by default', async () => {
      const s = scripted([refused]);
      const w = watch(s.probe);
      await clock.tickAsync(99);
      expect(s.calls).to.have.length(0);
      await clock.tickAsync(1);
      expect(s.calls.map((c) => c.at)).to.deep.equal([100]);
      await clock.tickAsync(400);
      expect(s.calls.map((c) => c.at)).to.deep.equal([100, 200, 300, 400, 500]);
      expect(w.reports.map((r) => r.probe)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(w.reports.every((r) => r.outcome === 'refused')).to.equal(true);
      w.subscription.unsubscribe();
    });

    it('runs one probe at a time: a slow probe delays the next one until it ends', async () => {
      const s = scripted([refused], 250);
      const w = watch(s.probe);
      await clock.tickAsync(1000);
      expect(s.calls.map((c) => c.at)).to.deep.equal([100, 350, 600, 850]);
      expect(s.mostInFlight).to.equal(1);
      w.subscription.unsubscribe();
    });

    it('honours a custom interval', async () => {
      const s = scripted([refused]);
      const w = watch(s.probe, 40);
      await clock.tickAsync(130);
      expect(s.calls.map((c) => c.at)).to.deep.equal([40, 80, 120]);
      w.subscription.unsubscribe();
    });
  });

  describe('ending', () => {
    it('emits the listening result and completes: no probe after it', async () => {
      const s = scripted([refused, refused, { outcome: 'listening' }]);
      const w = watch(s.probe);
      await clock.tickAsync(1000);
      expect(w.reports.map((r) => r.outcome)).to.deep.equal(['refused', 'refused', 'listening']);
      expect(w.completed).to.equal(true);
      expect(s.calls).to.have.length(3);
      expect(clock.countTimers()).to.equal(0);
    });

    it('stops at a probe that failed for another reason (a timeout): no further probe', async () => {
      const timedOut = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
      const s = scripted([refused, { outcome: 'failed', error: timedOut }]);
      const w = watch(s.probe);
      await clock.tickAsync(1000);
      expect(w.reports.map((r) => r.outcome)).to.deep.equal(['refused', 'failed']);
      expect(w.completed).to.equal(true);
      expect(s.calls).to.have.length(2);
      expect(clock.countTimers()).to.equal(0);
    });

    it('treats a probe that throws or rejects as failed', async () => {
      const boom = new Error('boom');
      const throwing: Probe = () => {
        throw boom;
      };
      const w1 = watch(throwing);
      await clock.tickAsync(100);
      expect(w1.reports).to.deep.equal([{ outcome: 'failed', error: boom, probe: 1 }]);
      const w2 = watch(() => Promise.reject(boom));
      await clock.tickAsync(100);
      expect(w2.reports).to.deep.equal([{ outcome: 'failed', error: boom, probe: 1 }]);
    });

    it('unsubscribing aborts the probe in flight and leaves no timer', async () => {
      const s = scripted([refused], 80);
      const w = watch(s.probe);
      await clock.tickAsync(150);
      expect(s.calls).to.have.length(1);
      w.subscription.unsubscribe();
      expect(s.calls[0]?.signal.aborted).to.equal(true);
      expect(clock.countTimers()).to.equal(0);
      await clock.tickAsync(1000);
      expect(w.reports).to.have.length(0);
    });

    it('unsubscribing during a pause clears the pause', async () => {
      const s = scripted([refused]);
      const w = watch(s.probe);
      await clock.tickAsync(150);
      w.subscription.unsubscribe();
      expect(clock.countTimers()).to.equal(0);
      await clock.tickAsync(1000);
      expect(s.calls).to.have.length(1);
    });
  });
});
