import { expect } from 'chai';
import { registerPoolMetrics } from '../../src/telemetry/poolMetrics.js';
import {
  type TelemetryCapture,
  captureTelemetry,
  histogramTotals,
  metricSum,
  metricUnit,
} from '../helpers/telemetry.js';

describe('registerPoolMetrics', () => {
  let capture: TelemetryCapture;
  beforeEach(() => {
    capture = captureTelemetry();
  });
  afterEach(async () => {
    await capture.shutdown();
  });

  const pool = { 'db.client.connection.pool.name': 'myapp_pool' };

  it('reports count by state, max and pending requests from the snapshot', async () => {
    let snapshot = { idle: 3, used: 2, pending: 1, max: 10 };
    registerPoolMetrics(capture.meter, 'myapp_pool', () => snapshot, {
      system: 'mysql',
      address: 'db',
      port: 3306,
    });
    let metrics = await capture.collect();
    expect(
      metricSum(metrics, 'db.client.connection.count', {
        ...pool,
        'db.client.connection.state': 'idle',
      }),
    ).to.equal(3);
    expect(
      metricSum(metrics, 'db.client.connection.count', {
        ...pool,
        'db.client.connection.state': 'used',
      }),
    ).to.equal(2);
    expect(metricSum(metrics, 'db.client.connection.pending_requests', pool)).to.equal(1);
    expect(
      metricSum(metrics, 'db.client.connection.max', {
        ...pool,
        'db.system.name': 'mysql',
        'server.address': 'db',
        'server.port': 3306,
      }),
    ).to.equal(10);
    snapshot = { idle: 0, used: 5, pending: 4, max: 10 };
    metrics = await capture.collect();
    expect(metricSum(metrics, 'db.client.connection.pending_requests', pool)).to.equal(4);
  });

  it('records create, wait and use times in seconds, and timeouts', async () => {
    const metricsOf = registerPoolMetrics(capture.meter, 'myapp_pool', () => ({
      idle: 0,
      used: 0,
      pending: 0,
    }));
    metricsOf.recordCreateTime(250);
    metricsOf.recordWaitTime(1500);
    metricsOf.recordWaitTime(500);
    metricsOf.recordUseTime(20);
    metricsOf.recordTimeout();
    const metrics = await capture.collect();
    expect(histogramTotals(metrics, 'db.client.connection.create_time', pool)).to.deep.equal({
      count: 1,
      sum: 0.25,
    });
    expect(histogramTotals(metrics, 'db.client.connection.wait_time', pool)).to.deep.equal({
      count: 2,
      sum: 2,
    });
    expect(histogramTotals(metrics, 'db.client.connection.use_time', pool)).to.deep.equal({
      count: 1,
      sum: 0.02,
    });
    expect(metricSum(metrics, 'db.client.connection.timeouts', pool)).to.equal(1);
    for (const name of ['create_time', 'wait_time', 'use_time']) {
      expect(metricUnit(metrics, `db.client.connection.${name}`)).to.equal('s');
    }
  });

  it('keeps two pools apart and stops reading a pool once unregistered', async () => {
    let reads = 0;
    const a = registerPoolMetrics(capture.meter, 'a', () => {
      reads += 1;
      return { idle: 1, used: 0, pending: 0 };
    });
    registerPoolMetrics(capture.meter, 'b', () => ({ idle: 7, used: 0, pending: 0 }));
    const metrics = await capture.collect();
    expect(
      metricSum(metrics, 'db.client.connection.count', { 'db.client.connection.pool.name': 'b' }),
    ).to.equal(7);
    a.unregister();
    a.unregister();
    const before = reads;
    await capture.collect();
    expect(reads).to.equal(before);
  });

  it('skips a pool whose snapshot throws, and reports the others', async () => {
    registerPoolMetrics(capture.meter, 'broken', () => {
      throw new Error('pool closed');
    });
    registerPoolMetrics(capture.meter, 'fine', () => ({ idle: 2, used: 0, pending: 0 }));
    const metrics = await capture.collect();
    expect(
      metricSum(metrics, 'db.client.connection.count', {
        'db.client.connection.pool.name': 'fine',
      }),
    ).to.equal(2);
  });

  it('redacts a pool name that carries a URL password', async () => {
    registerPoolMetrics(capture.meter, 'mysql://u:HF-S3cret-mysql-9x7@h/db', () => ({
      idle: 1,
      used: 0,
      pending: 0,
    }));
    const metrics = await capture.collect();
    expect(
      metricSum(metrics, 'db.client.connection.count', {
        'db.client.connection.pool.name': 'mysql://u:***@h/db',
      }),
    ).to.equal(1);
  });
});
