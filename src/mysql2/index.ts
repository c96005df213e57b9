// holdfast/mysql2: the retrying mysql2 pool. Filled in by the MySQL issue.
export { createDatabasePool } from './createDatabasePool.js';
export {
  DatabasePool,
  type CheckoutOptions,
  type CloseOptions,
  type DatabasePoolState,
} from './DatabasePool.js';
export type { DatabasePoolConfig, HoldfastPoolOptions } from './DatabasePoolConfig.js';
export type { DatabasePoolMetrics } from './DatabasePoolMetrics.js';
export type { QueryValues } from './driver.js';
export {
  PoolCheckoutError,
  type CheckoutFailure,
  type CheckoutFailureReason,
} from './PoolCheckoutError.js';
export { PooledConnection } from './PooledConnection.js';
export { QueryTimeoutError } from '../errors/QueryTimeoutError.js';
export type { StatementOptions } from './runStatement.js';
export type { TransactionContext, TransactionOptions } from './runTransaction.js';
export { TransactionConnection } from './TransactionConnection.js';
export { classifyStatement, type StatementInfo } from './classifyStatement.js';
