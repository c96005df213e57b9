import { ConnectionManager } from '../connection/ConnectionManager.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';

/**
 * The ConnectionManager of one MySQL target (a pool's, or a `createConnection` gate's): its
 * "connection" is the target description, `connect` one probe attempt; the policy, classifier,
 * breaker, budget and telemetry come from the resolved config.
 */
export function targetManager(
  config: ResolvedPoolConfig,
  connect: (signal: AbortSignal) => Promise<TargetDescription>,
): ConnectionManager<TargetDescription> {
  const { name: _name, ...target } = config.target;
  return new ConnectionManager<TargetDescription>({
    name: config.name,
    connect,
    retryDefaults: config.retry,
    classifier: config.classifier,
    target,
    connectTimeoutMs: config.connectTimeoutMs,
    clock: config.clock,
    random: config.random,
    ...config.telemetry,
    ...(config.circuitBreaker === undefined ? {} : { circuitBreaker: config.circuitBreaker }),
    ...(config.budget === undefined ? {} : { budget: config.budget }),
  });
}
