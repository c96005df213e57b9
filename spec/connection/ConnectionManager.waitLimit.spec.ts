import { expect } from 'chai';
import type sinon from 'sinon';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { RetryBudgetHook } from '../../src/retry/hooks.js';
import { redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import { accessDenied, connectionRefused } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import type { TelemetryCapture } from '../helpers/telemetry.js';
import { useFakeManagers } from './fakeManagers.js';
import { type FakeConnection, FakeConnector, type Outcome } from './fakes.js';

type Options = Partial<ConnectionManagerOptions<FakeConnection>>;
const codeOf = (error: unknown): string | undefined =>
  isHoldfastError(error) ? error.code : undefined;

describe('ConnectionManager (call wait limit)', () => {
  const fixture = useFakeManagers();
  let clock: sinon.SinonFakeTimers;
  let capture: TelemetryCapture;
  beforeEach(() => {
    clock = fixture.clock;
    capture = fixture.capture;
  });

  /**
   * MySQL defaults with jitter factor 1.0: a cycle's attempts at +0, +1000, +3000, +7000 ms;
   * a call's default wait limit 7000 ms. No probe, no budget.
   */
  const make = (connector: FakeConnector, options: Options = {}) =>
    fixture.make(connector, {
      tracer: fixture.capture.tracer,
      ...options,
    });

  const refusing = (times = Infinity): Outcome[] =>
    Number.isFinite(times)
      ? [...Array.from({ length: times }, () => connectionRefused()), 'ok']
      : [connectionRefused()];

  function timedConnector(script: Outcome[]) {
    const connector = new FakeConnector(script);
    const starts: number[] = [];
    const connect = (signal: AbortSignal) => {
      starts.push(Date.now());
      return connector.connect(signal);
    };
    return { connector, starts, connect };
  }

  it('a call that arrives late in a failing cycle still gets its full wait', async () => {
    const { connector, starts, connect } = timedConnector(refusing());
    const manager = make(connector, { connect });
    const events: ConnectionEvent<FakeConnection>[] = [];
    manager.events$.subscribe((event) => events.push(event));
    const early = settled(manager.ready());
    await clock.tickAsync(6500);
    const late = settled(manager.ready());
    await clock.tickAsync(500); // t = 7000: the cycle gives up
    expect(early.state).to.equal('rejected');
    expect(early.error).to.be.instanceOf(RetriesExhaustedError);
    expect(late.state).to.equal('pending');
    expect(events.find((e) => e.type === 'restart-scheduled')).to.deep.equal({
      type: 'restart-scheduled',
      delayMs: 1000,
      waiting: 1,
    });
    await clock.tickAsync(6499); // t = 13499: one ms before the late call's limit
    expect(late.state).to.equal('pending');
    await clock.tickAsync(1501); // t = 15000: the second cycle's last attempt fails
    expect(late.state).to.equal('rejected');
    expect(codeOf(late.error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
    // The next cycle began one base delay after the first gave up; 4 attempts per cycle.
    expect(starts).to.deep.equal([0, 1000, 3000, 7000, 8000, 9000, 11000, 15000]);
    await clock.tickAsync(60_000);
    expect(starts).to.have.length(8);
    const connects = capture.spans().filter((s) => s.name === 'connect mysql-main');
    expect(connects).to.have.length(2);
    expect(connects[1]?.events.find((e) => e.name === 'cycle.restarted')?.attributes).to.deep.equal(
      { 'holdfast.retry.delay_ms': 1000, 'holdfast.waiting_calls': 1 },
    );
  });

  it('a waiting call gets the connection when the server returns in a later cycle', async () => {
    const { connector, connect } = timedConnector(refusing(5));
    const manager = make(connector, { connect });
    void manager.ready().catch(() => undefined);
    await clock.tickAsync(6500);
    const late = settled(manager.ready());
    await clock.tickAsync(0);
    await clock.tickAsync(2500); // t = 9000: the second cycle's second attempt connects
    expect(late.state).to.equal('resolved');
    expect(connector.calls).to.equal(6);
  });

  it('execute() waits on its own clock too', async () => {
    const { connector, connect } = timedConnector(refusing());
    const manager = make(connector, { connect });
    void manager.ready().catch(() => undefined);
    await clock.tickAsync(6500);
    const late = settled(manager.execute(() => 'rows'));
    await clock.tickAsync(6999);
    expect(late.state).to.equal('pending');
    await clock.tickAsync(10_000);
    expect(late.state).to.equal('rejected');
  });

  it('a fatal error ends every wait at once, within its limit', async () => {
    const manager = make(new FakeConnector([connectionRefused(), accessDenied()]));
    const call = settled(manager.ready());
    await clock.tickAsync(1000);
    expect(call.state).to.equal('rejected');
    expect((call.error as { code?: string }).code).to.equal('ER_ACCESS_DENIED_ERROR');
    await clock.tickAsync(60_000);
    expect(manager.state.status).to.equal('failed');
  });

  it('a budget refusal ends every wait: no further cycle', async () => {
    const connector = new FakeConnector(refusing());
    const budget: RetryBudgetHook = { tryRetry: () => false, recordSuccess: () => undefined };
    const manager = make(connector, { budget });
    const call = settled(manager.ready());
    await clock.tickAsync(0);
    expect(call.state).to.equal('rejected');
    await clock.tickAsync(60_000);
    expect(connector.calls).to.equal(1);
  });

  it('timeoutMs replaces the default limit: the call waits across cycles, then AbortedError', async () => {
    const { connector, connect } = timedConnector(refusing());
    const manager = make(connector, { connect });
    const call = settled(manager.ready({ timeoutMs: 20_000 }));
    await clock.tickAsync(19_999);
    expect(call.state).to.equal('pending');
    await clock.tickAsync(1);
    expect(codeOf(call.error)).to.equal('ERR_HOLDFAST_ABORTED');
    expect((call.error as Error).cause).to.have.property('code', 'ECONNREFUSED');
  });

  it('waitLimitMs: 0 fails calls with the cycle that fails (holdfast 0.1)', async () => {
    const { connector, connect } = timedConnector(refusing());
    const manager = make(connector, { connect, waitLimitMs: 0 });
    void manager.ready().catch(() => undefined);
    await clock.tickAsync(6500);
    const late = settled(manager.ready());
    await clock.tickAsync(500);
    expect(late.state).to.equal('rejected');
    await clock.tickAsync(60_000);
    expect(connector.calls).to.equal(4);
  });

  it('the default limit is the policy nominal schedule (Redis: 0.5 + 1 + 2 s)', async () => {
    const { connector, starts, connect } = timedConnector(refusing());
    const manager = make(connector, {
      connect,
      retryDefaults: redisRetryDefaults,
    });
    void manager.ready().catch(() => undefined);
    await clock.tickAsync(3000);
    const late = settled(manager.ready());
    await clock.tickAsync(4499); // t = 7499: past its limit (6500), before the next failure
    expect(late.state).to.equal('pending');
    await clock.tickAsync(1); // t = 7500: the second cycle's last attempt fails
    expect(late.state).to.equal('rejected');
    expect(starts).to.deep.equal([0, 500, 1500, 3500, 4000, 4500, 5500, 7500]);
  });

  it('close() during the pause between cycles rejects the waiting call and leaves no timer', async () => {
    const manager = make(new FakeConnector(refusing()));
    void manager.ready().catch(() => undefined);
    await clock.tickAsync(6500);
    const late = settled(manager.ready());
    await clock.tickAsync(700);
    expect(manager.state.status).to.equal('failed');
    await manager.close();
    await clock.tickAsync(0);
    expect(codeOf(late.error)).to.equal('ERR_HOLDFAST_CLOSED');
    expect(clock.countTimers()).to.equal(0);
  });

  it('rejects a malformed waitLimitMs', () => {
    for (const waitLimitMs of [-1, Number.NaN, Infinity, '7000', 2 ** 31]) {
      expect(() => make(new FakeConnector(['ok']), { waitLimitMs: waitLimitMs as never }))
        .to.throw()
        .with.property('code', 'ERR_HOLDFAST_CONFIG');
    }
  });
});
