import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  ObservableUpDownCounter,
} from '@opentelemetry/api';
import { safeInvoke } from '../internal/safeInvoke.js';
import { describe, meterSource } from './metrics.js';
import { metricDefinitions as defs, poolTimeBuckets } from './names.js';
import { redact } from './redact.js';
import { dbClientConnectionStates, dbSystemNames, semconvAttributes } from './semconv.js';
import type { TargetDescription } from './TelemetryOptions.js';

/** What a pool reports each time metrics are collected. Counts, not rates. */
export interface PoolSnapshot {
  /** Open connections waiting in the pool. */
  readonly idle: number;
  /** Open connections lent out. */
  readonly used: number;
  /** Requests waiting for a connection. */
  readonly pending: number;
  /** The most connections the pool may open (`connectionLimit`, `poolSize`). */
  readonly max?: number;
}

/** What a pool calls as things happen; durations in milliseconds (exported in seconds). */
export interface PoolMetrics {
  /** A new connection took `ms` to open (`db.client.connection.create_time`). */
  recordCreateTime(ms: number): void;
  /** A checkout waited `ms` for a connection (`db.client.connection.wait_time`). */
  recordWaitTime(ms: number): void;
  /** A connection was lent out for `ms` (`db.client.connection.use_time`). */
  recordUseTime(ms: number): void;
  /** A checkout timed out (`db.client.connection.timeouts`). */
  recordTimeout(): void;
  /** Stops reporting the snapshot gauges for this pool (call from `close()`). Idempotent. */
  unregister(): void;
}

interface PoolInstruments {
  readonly createTime: Histogram;
  readonly waitTime: Histogram;
  readonly useTime: Histogram;
  readonly timeouts: Counter;
  readonly sources: Set<{ attributes: Attributes; read: () => PoolSnapshot }>;
}

const cache = new WeakMap<Meter, PoolInstruments>();

function instrumentsOf(meter: Meter): PoolInstruments {
  let instruments = cache.get(meter);
  if (instruments !== undefined) return instruments;
  const histogram = (def: { name: string; unit: string; description: string }): Histogram =>
    meter.createHistogram(def.name, {
      ...describe(def),
      advice: { explicitBucketBoundaries: [...poolTimeBuckets] },
    });
  const count = meter.createObservableUpDownCounter(
    defs.poolConnectionCount.name,
    describe(defs.poolConnectionCount),
  );
  const max = meter.createObservableUpDownCounter(
    defs.poolConnectionMax.name,
    describe(defs.poolConnectionMax),
  );
  const pending = meter.createObservableUpDownCounter(
    defs.poolPendingRequests.name,
    describe(defs.poolPendingRequests),
  );
  const sources = new Set<{ attributes: Attributes; read: () => PoolSnapshot }>();
  meter.addBatchObservableCallback(
    (result) => {
      for (const source of sources) {
        const snapshot = safeInvoke(source.read);
        if (snapshot === undefined) continue;
        observe(result, count, snapshot.idle, {
          ...source.attributes,
          [semconvAttributes.dbClientConnectionState]: dbClientConnectionStates.idle,
        });
        observe(result, count, snapshot.used, {
          ...source.attributes,
          [semconvAttributes.dbClientConnectionState]: dbClientConnectionStates.used,
        });
        observe(result, pending, snapshot.pending, source.attributes);
        if (snapshot.max !== undefined) observe(result, max, snapshot.max, source.attributes);
      }
    },
    [count, max, pending],
  );
  instruments = {
    createTime: histogram(defs.poolCreateTime),
    waitTime: histogram(defs.poolWaitTime),
    useTime: histogram(defs.poolUseTime),
    timeouts: meter.createCounter(defs.poolTimeouts.name, describe(defs.poolTimeouts)),
    sources,
  };
  cache.set(meter, instruments);
  return instruments;
}

function observe(
  result: { observe(o: ObservableUpDownCounter, value: number, attributes?: Attributes): void },
  instrument: ObservableUpDownCounter,
  value: number,
  attributes: Attributes,
): void {
  if (Number.isFinite(value)) result.observe(instrument, value, attributes);
}

/**
 * Reports a connection pool's `db.client.connection.*` metrics (OpenTelemetry database
 * conventions): `count` by state (idle | used), `max`, `pending_requests` from `snapshot` at each
 * collection, and `create_time`, `wait_time`, `use_time` (seconds) and `timeouts` as the pool
 * records them. Every point carries `db.client.connection.pool.name` (and `db.system.name`,
 * `server.address`, `server.port` when `target` gives them).
 *
 * @param meter the pool's meter; `undefined` uses the global one
 * @param poolName `myapp_pool`: bounded, set by configuration
 * @param snapshot read at each collection; a throwing snapshot skips that pool once
 * @example
 * const poolMetrics = registerPoolMetrics(options.meter, 'myapp_pool', () => ({
 *   idle: free.length, used: borrowed.size, pending: waiters.length, max: connectionLimit,
 * }));
 * // on close: poolMetrics.unregister();
 */
export function registerPoolMetrics(
  meter: Meter | undefined,
  poolName: string,
  snapshot: () => PoolSnapshot,
  target: Partial<TargetDescription> = {},
): PoolMetrics {
  const getMeter = meterSource(meter);
  const attributes: Attributes = {
    [semconvAttributes.dbClientConnectionPoolName]: redact(poolName),
  };
  if (target.system === 'mysql' || target.system === 'redis') {
    attributes[semconvAttributes.dbSystemName] = dbSystemNames[target.system];
  }
  if (target.address !== undefined) {
    attributes[semconvAttributes.serverAddress] = redact(target.address);
  }
  if (target.port !== undefined) attributes[semconvAttributes.serverPort] = target.port;
  const source = { attributes, read: snapshot };
  const registeredOn = instrumentsOf(getMeter());
  registeredOn.sources.add(source);
  const seconds = (ms: number): number => Math.max(0, ms) / 1000;
  return {
    recordCreateTime: (ms) => {
      instrumentsOf(getMeter()).createTime.record(seconds(ms), attributes);
    },
    recordWaitTime: (ms) => {
      instrumentsOf(getMeter()).waitTime.record(seconds(ms), attributes);
    },
    recordUseTime: (ms) => {
      instrumentsOf(getMeter()).useTime.record(seconds(ms), attributes);
    },
    recordTimeout: () => {
      instrumentsOf(getMeter()).timeouts.add(1, attributes);
    },
    unregister: () => {
      registeredOn.sources.delete(source);
    },
  };
}
