// holdfast/mysql2 has the shape of the `mysql2` module: its factories return mysql2's own
// objects with holdfast's behaviour added (DESIGN.md "Decorating a driver"); everything else
// is mysql2's, re-exported as it is. Only src/mysql2 imports mysql2.
import type * as Mysql2 from 'mysql2';
import { mysql } from './mysql2Module.js';
import { createConnection } from './createConnection.js';
import { createPool } from './createPool.js';
import { createPoolCluster } from './createPoolCluster.js';

export { createConnection, type HoldfastConnectionConfig } from './createConnection.js';
export { createPool, type PoolConfig } from './createPool.js';
export { createDatabasePool, type DatabasePool } from './createDatabasePool.js';
export { createPoolCluster } from './createPoolCluster.js';
export type { HoldfastPoolCluster } from './cluster/HoldfastPoolCluster.js';
export type { ClusterNamespace } from './cluster/ClusterNamespace.js';
export type { PromisePoolCluster, PromiseClusterNamespace } from './cluster/PromisePoolCluster.js';
export type { PoolClusterOptions, ClusterSelector } from './cluster/PoolClusterOptions.js';
export type {
  PoolClusterState,
  PoolClusterStatus,
  PoolClusterNodeState,
} from './cluster/PoolClusterState.js';
export type { PoolClusterRole } from './cluster/ClusterNode.js';
export { ClusterCheckoutError } from './cluster/ClusterCheckoutError.js';
export type {
  CloseOptions,
  DatabasePoolState,
  HoldfastPool,
  HoldfastPoolExtras,
  HoldfastPromisePool,
} from './HoldfastPool.js';
export type { DatabasePoolConfig, HoldfastPoolOptions } from './DatabasePoolConfig.js';
export type { DatabasePoolMetrics } from './DatabasePoolMetrics.js';
export type { HoldfastQueryOptions } from './poolStatements.js';
export {
  PoolCheckoutError,
  type CheckoutFailure,
  type CheckoutFailureReason,
} from './PoolCheckoutError.js';
export { QueryTimeoutError } from '../errors/QueryTimeoutError.js';
export type {
  TransactionContext,
  TransactionFunction,
  TransactionOptions,
} from './runTransaction.js';
export { classifyStatement, type StatementInfo } from './classifyStatement.js';

// mysql2's own, unchanged (typed as mysql2's: the declarations name no package of mysql2's own).
export const Connection: typeof Mysql2.Connection = mysql.Connection;
export const PoolConnection: typeof Mysql2.PoolConnection = mysql.PoolConnection;
export const createServer: typeof Mysql2.createServer = mysql.createServer;
export const escape: typeof Mysql2.escape = mysql.escape;
export const escapeId: typeof Mysql2.escapeId = mysql.escapeId;
export const format: typeof Mysql2.format = mysql.format;
export const raw: typeof Mysql2.raw = mysql.raw;
export const setMaxParserCache: typeof Mysql2.setMaxParserCache = mysql.setMaxParserCache;
export const clearParserCache: typeof Mysql2.clearParserCache = mysql.clearParserCache;
/** mysql2's type constants (`Types.VAR_STRING`, ...). */
export const Types: typeof Mysql2.Types = mysql.Types;
export const Charsets: typeof Mysql2.Charsets = mysql.Charsets;
export const CharsetToEncoding: typeof Mysql2.CharsetToEncoding = mysql.CharsetToEncoding;

/**
 * The module as one object, for libraries that take "a mysql2" (`import mysql from
 * 'holdfast/mysql2'` for TypeORM's `driver`, Sequelize's `dialectModule`, a Knex client):
 * mysql2's own module with `createPool` and `createConnection` replaced by holdfast's.
 */
/** mysql2's module type, with holdfast's factories. */
export type HoldfastMysql2Module = Omit<
  typeof Mysql2,
  'createPool' | 'createConnection' | 'connect' | 'createPoolCluster'
> & {
  readonly createPool: typeof createPool;
  readonly createPoolCluster: typeof createPoolCluster;
  readonly createConnection: typeof createConnection;
  readonly connect: typeof createConnection;
};

const holdfastMysql2: HoldfastMysql2Module = Object.assign(Object.create(mysql) as typeof Mysql2, {
  createPool,
  createConnection,
  connect: createConnection,
  createPoolCluster,
});
// The drop-in needs the shape of mysql2's CommonJS module, whose default export is the module.
// eslint-disable-next-line no-restricted-syntax
export default holdfastMysql2;
