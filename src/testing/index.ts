// holdfast/testing: FaultProxy and instantRetries for users' tests.

// FaultProxy and its toxics
export { FaultProxy, type FaultProxyOptions, type FaultProxyStats } from './FaultProxy.js';
export {
  type ToxicAttributes,
  type ToxicDescription,
  type RequiresAttributes,
  type ToxicCommon,
  type ToxicOptions,
  type ToxicStream,
  type ToxicType,
  toxicTypes,
} from './toxics/ToxicOptions.js';

// The time seam FaultProxy takes, and instant retries
export type { Clock, TimerHandle } from '../internal/Clock.js';
export type { Random } from '../internal/Random.js';
export { instantRetries } from './instantRetries.js';
