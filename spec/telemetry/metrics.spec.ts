import { metrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { expect } from 'chai';
import { TargetMetrics, meterSource } from '../../src/telemetry/metrics.js';
import { ManualMetricReader, metricSum } from '../helpers/telemetry.js';

describe('TargetMetrics', () => {
  describe('without an explicit meter', () => {
    afterEach(() => {
      metrics.disable();
    });

    it('finds the global meter registered after it was created', async () => {
      const target = new TargetMetrics('redis-cache', meterSource(undefined));
      target.attempt('connect', 'success'); // no SDK yet: dropped
      const reader = new ManualMetricReader();
      metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
      target.attempt('connect', 'success');
      const { resourceMetrics } = await reader.collect();
      expect(
        metricSum(resourceMetrics, 'holdfast.attempts', { 'holdfast.target': 'redis-cache' }),
      ).to.equal(1);
    });

    it('keeps the state counter balanced across the switch to a real meter', async () => {
      const target = new TargetMetrics('redis-cache', meterSource(undefined));
      target.stateChanged('connecting');
      const reader = new ManualMetricReader();
      metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
      target.stateChanged('connected');
      const { resourceMetrics } = await reader.collect();
      const state = (s: string): number =>
        metricSum(resourceMetrics, 'holdfast.connection.state', { 'holdfast.connection.state': s });
      expect([state('connecting'), state('connected')]).to.deep.equal([0, 1]);
    });
  });
});
