// A ConnectionManager feeds its circuit breaker and retry budget into its telemetry (issue 7):
// holdfast.circuit.state, breaker log lines, circuit.* and budget.exhausted span events.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import sinon from 'sinon';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import { ConsecutiveFailures } from '../../src/breaker/ConsecutiveFailures.js';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { CircuitBreakerHook } from '../../src/retry/hooks.js';
import { connectionRefused } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { type TelemetryCapture, captureTelemetry, metricSum } from '../helpers/telemetry.js';

const T0 = Date.UTC(2030, 0, 1);

function eventNames(spans: readonly ReadableSpan[], name: string): string[][] {
  return spans.filter((s) => s.name === name).map((s) => s.events.map((e) => e.name));
}

describe('ConnectionManager resilience telemetry', () => {
  let clock: sinon.SinonFakeTimers;
  let capture: TelemetryCapture;
  let breaker: CircuitBreaker;
  let manager: ConnectionManager<{ id: number }>;
  let script: ('refuse' | 'ok')[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    capture = captureTelemetry();
    breaker = new CircuitBreaker({
      name: 'mysql-main',
      trip: new ConsecutiveFailures({ threshold: 2 }),
      breakDurationMs: 5000,
    });
    script = ['refuse', 'refuse', 'ok'];
    let calls = 0;
    manager = new ConnectionManager<{ id: number }>({
      name: 'mysql-main',
      connect: () => {
        calls += 1;
        return script[calls - 1] === 'refuse'
          ? Promise.reject(connectionRefused())
          : Promise.resolve({ id: calls });
      },
      retry: { maxRetries: 5, baseDelayMs: 1000, jitter: 'none' },
      circuitBreaker: breaker,
      budget: false,
      tracer: capture.tracer,
      meter: capture.meter,
      logger: capture.log.logger,
    });
  });

  afterEach(async () => {
    await manager.close();
    breaker.dispose();
    clock.restore();
    await capture.shutdown();
  });

  async function circuit(status: string): Promise<number> {
    return metricSum(await capture.collect(), 'holdfast.circuit.state', {
      'holdfast.circuit.state': status,
    });
  }

  /** Two refusals open the breaker; the third attempt is refused by it, ending the cycle. */
  async function trip(): Promise<void> {
    const first = settled(manager.ready());
    // Attempts at 0 and 1000 ms; the retry at 3000 ms is refused by the open breaker.
    await clock.tickAsync(3000);
    expect(first.state).to.equal('rejected');
    expect(breaker.state.status).to.equal('open');
  }

  it('counts the breaker as closed in holdfast.circuit.state from the start', async () => {
    expect(await circuit('closed')).to.equal(1);
    expect(await circuit('open')).to.equal(0);
  });

  it('moves the circuit metric to open and logs a WARN line naming the status when it trips', async () => {
    await trip();
    expect(await circuit('open')).to.equal(1);
    expect(await circuit('closed')).to.equal(0);
    const warned = capture.log.lines.filter((l) => l.level === 'warn');
    expect(warned.map((l) => l.fields)).to.deep.include({
      target: 'mysql-main',
      status: 'open',
      previous: 'closed',
    });
  });

  it('adds circuit.opened to the connect span that tripped it and circuit.closed to the one that closed it', async () => {
    await trip();
    await clock.tickAsync(5000);
    expect(await circuit('half-open')).to.equal(1);
    const second = settled(manager.ready());
    await clock.tickAsync(0);
    expect(second.state).to.equal('resolved');
    expect(breaker.state.status).to.equal('closed');
    const [tripped, recovered] = eventNames(capture.spans(), 'connect mysql-main');
    expect(tripped).to.include('circuit.opened');
    expect(recovered).to.include('circuit.closed');
    // Half-open came by timer between cycles: there was no connect span to put it on.
    expect(recovered).to.not.include('circuit.half_opened');
    expect(await circuit('closed')).to.equal(1);
  });

  it('stops listening to the breaker on close()', async () => {
    await manager.close();
    const lines = capture.log.lines.length;
    breaker.isolate();
    expect(capture.log.lines.length).to.equal(lines);
    expect(await circuit('isolated')).to.equal(0);
    expect(await circuit('closed')).to.equal(0);
  });

  it('ignores a breaker hook without state$', () => {
    const hook: CircuitBreakerHook = {
      acquire: () => ({ success: () => undefined, failure: () => undefined }),
    };
    expect(
      () =>
        new ConnectionManager({
          name: 'plain',
          connect: () => Promise.resolve(1),
          circuitBreaker: hook,
          tracer: capture.tracer,
          meter: capture.meter,
          logger: capture.log.logger,
        }),
    ).to.not.throw();
  });
});
