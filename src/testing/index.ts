// holdfast/testing: FaultProxy and instantRetries for users' tests.

// FaultProxy and its toxics
export { FaultProxy, type FaultProxyOptions, type FaultProxyStats } from './FaultProxy.js';
export {
  type ToxicAttributes,
  type ToxicDescription,
  type ToxicOptions,
  type ToxicStream,
  type ToxicType,
  toxicTypes,
} from './toxics/ToxicOptions.js';

// Instant retries
export { instantRetries } from './instantRetries.js';
