// A mocha fixture for ConnectionManager specs: fake timers, and managers over a FakeConnector
// that are all closed after each test.
import sinon from 'sinon';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import { silentLogger } from '../../src/telemetry/Logger.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { type TelemetryCapture, captureTelemetry } from '../helpers/telemetry.js';
import type { FakeConnection, FakeConnector } from './fakes.js';

export type FakeManagerOptions = Partial<ConnectionManagerOptions<FakeConnection>>;

export interface FakeManagers {
  /** The fake clock of the running test. */
  readonly clock: sinon.SinonFakeTimers;
  /** Spans and logs of the running test (pass `capture.tracer` to record a manager's spans). */
  readonly capture: TelemetryCapture;
  /**
   * A manager named `mysql-main` over `connector`: MySQL defaults, jitter factor 1.0 (retries
   * wait exactly 1000, 2000, 4000 ms), no budget, silent; `options` override any of it.
   */
  make(connector: FakeConnector, options?: FakeManagerOptions): ConnectionManager<FakeConnection>;
}

/** Registers beforeEach/afterEach hooks in the calling `describe`. */
export function useFakeManagers(): FakeManagers {
  let clock: sinon.SinonFakeTimers | undefined;
  let capture: TelemetryCapture | undefined;
  let managers: ConnectionManager<FakeConnection>[] = [];
  beforeEach(() => {
    clock = sinon.useFakeTimers();
    capture = captureTelemetry();
    managers = [];
  });
  afterEach(async () => {
    await Promise.all(managers.map((m) => m.close()));
    clock?.restore();
    await capture?.shutdown();
  });
  return {
    get clock() {
      if (clock === undefined) throw new Error('useFakeManagers: the clock exists only in a test');
      return clock;
    },
    get capture() {
      if (capture === undefined)
        throw new Error('useFakeManagers: the capture exists only in a test');
      return capture;
    },
    make(connector, options = {}) {
      const manager = new ConnectionManager<FakeConnection>({
        name: 'mysql-main',
        connect: connector.connect,
        disconnect: connector.disconnect,
        random: seqRandom([0.5]),
        budget: false,
        logger: silentLogger,
        ...options,
      });
      managers.push(manager);
      return manager;
    },
  };
}
