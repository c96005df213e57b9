// The retry budget a ConnectionManager makes for itself (issue 7): on unless `budget: false`.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import sinon from 'sinon';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { type TelemetryCapture, captureTelemetry, metricPoints } from '../helpers/telemetry.js';
import { connectionRefused } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { type FakeConnection, FakeConnector } from './fakes.js';

type Options = Partial<ConnectionManagerOptions<FakeConnection>>;

function budgetEvents(spans: readonly ReadableSpan[]): ReadableSpan['events'] {
  return spans
    .filter((span) => span.name === 'connect mysql-main')
    .flatMap((span) => span.events.filter((event) => event.name === 'budget.exhausted'));
}

describe('ConnectionManager', () => {
  describe('default retry budget', () => {
    let clock: sinon.SinonFakeTimers;
    let capture: TelemetryCapture;
    let managers: ConnectionManager<FakeConnection>[];

    beforeEach(() => {
      clock = sinon.useFakeTimers();
      capture = captureTelemetry();
      managers = [];
    });

    afterEach(async () => {
      await Promise.all(managers.map((m) => m.close()));
      clock.restore();
      await capture.shutdown();
    });

    /** Retries every 1 ms up to 100 times against a target that always refuses. */
    function make(connector: FakeConnector, options: Options = {}) {
      const manager = new ConnectionManager<FakeConnection>({
        name: 'mysql-main',
        connect: connector.connect,
        disconnect: connector.disconnect,
        retry: { maxRetries: 100, baseDelayMs: 1, maxDelayMs: 1, jitter: 'none' },
        tracer: capture.tracer,
        meter: capture.meter,
        logger: capture.log.logger,
        ...options,
      });
      managers.push(manager);
      return manager;
    }

    async function giveUp(manager: ConnectionManager<FakeConnection>): Promise<number> {
      const events: ConnectionEvent<FakeConnection>[] = [];
      const subscription = manager.events$.subscribe((event) => events.push(event));
      const ready = settled(manager.ready());
      await clock.tickAsync(1000);
      subscription.unsubscribe();
      expect(ready.state).to.equal('rejected');
      const error = ready.error;
      expect(isHoldfastError(error) && error.code).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      const gaveUp = events.find((event) => event.type === 'gave-up');
      return gaveUp?.type === 'gave-up' ? gaveUp.attempts : -1;
    }

    it('is on without options: 5 retries from its tokens and 10 from its reserve, then a refusal', async () => {
      const connector = new FakeConnector([connectionRefused()]);
      const manager = make(connector);
      // maxTokens 10 (retries while >= 5 are left) + minRetriesPerSecond 10; 15 ms refill 0.15.
      expect(await giveUp(manager)).to.equal(16);
      expect(connector.calls).to.equal(16);
      const events = budgetEvents(capture.spans());
      expect(events).to.have.length(1);
      expect(events[0]?.attributes).to.include({
        'holdfast.error.kind': 'transient',
        'holdfast.attempt.count': 16,
      });
    });

    it('refuses again in a later cycle until time refills its reserve', async () => {
      const connector = new FakeConnector([connectionRefused()]);
      const manager = make(connector);
      expect(await giveUp(manager)).to.equal(16);
      // About 1 s later the reserve holds 10 again (tokens are still at the half mark).
      expect(await giveUp(manager)).to.equal(11);
      expect(budgetEvents(capture.spans())).to.have.length(2);
    });

    it('reports its tokens as the holdfast.budget.tokens gauge', async () => {
      const connector = new FakeConnector([connectionRefused()]);
      const manager = make(connector);
      let points = metricPoints(await capture.collect(), 'holdfast.budget.tokens');
      expect(points.map((p) => p.value)).to.deep.equal([10]);
      await giveUp(manager);
      points = metricPoints(await capture.collect(), 'holdfast.budget.tokens');
      expect(points.map((p) => p.value)).to.deep.equal([5]);
    });

    it('stops reporting the gauge once the manager is closed', async () => {
      const manager = make(new FakeConnector(['ok']));
      await manager.close();
      expect(metricPoints(await capture.collect(), 'holdfast.budget.tokens')).to.deep.equal([]);
    });

    it('is off with budget: false: every retry of maxRetries is made and nothing is refused', async () => {
      const connector = new FakeConnector([connectionRefused()]);
      const manager = make(connector, { budget: false });
      expect(await giveUp(manager)).to.equal(101);
      expect(budgetEvents(capture.spans())).to.deep.equal([]);
      expect(metricPoints(await capture.collect(), 'holdfast.budget.tokens')).to.deep.equal([]);
    });

    it('adds budget.exhausted to the execute span whose retry it refuses', async () => {
      const manager = make(new FakeConnector(['ok']), {
        budget: { tryRetry: () => false, recordSuccess: () => undefined },
      });
      await manager.ready();
      const call = settled(
        manager.execute(() => Promise.reject(connectionRefused()), {
          description: 'fetch users',
          idempotent: true,
        }),
      );
      await clock.tickAsync(0);
      expect(call.state).to.equal('rejected');
      const span = capture.spans().find((s) => s.name === 'execute fetch users');
      const events = span?.events.filter((e) => e.name === 'budget.exhausted') ?? [];
      expect(events.map((e) => e.attributes)).to.deep.equal([
        { 'holdfast.error.kind': 'transient', 'holdfast.attempt.count': 1 },
      ]);
    });

    it('is replaced by a budget given as an option', async () => {
      const connector = new FakeConnector([connectionRefused()]);
      let asked = 0;
      const manager = make(connector, {
        budget: {
          tryRetry: () => (asked += 1) <= 2,
          recordSuccess: () => undefined,
        },
      });
      expect(await giveUp(manager)).to.equal(3);
      expect(asked).to.equal(3);
    });
  });
});
