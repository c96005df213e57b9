import { HoldfastPoolCluster } from './cluster/HoldfastPoolCluster.js';
import { type PoolClusterOptions, parsePoolClusterOptions } from './cluster/PoolClusterOptions.js';
import type { PromisePoolCluster } from './cluster/PromisePoolCluster.js';
import { createPool, promisePool } from './createPool.js';

/**
 * mysql2's `createPoolCluster`, with holdfast's pool on every node: each node added with
 * `cluster.add(id, config)` is a holdfast `createPool` (its own reconnect loop, gate and
 * `state$`); `of(pattern, selector)` routes as mysql2's does, among the connected nodes.
 * `writer()` sends to the node whose server accepts writes (asked with
 * `SELECT @@global.read_only`), and follows it when a replica is promoted; `reader()` sends to
 * a replica, else the primary. Opens nothing until used. See docs/guides/scaling.md, ADR 0018.
 *
 * @throws {ConfigurationError} a malformed option
 * @example
 * import mysql from 'holdfast/mysql2';
 * const cluster = mysql.createPoolCluster({ name: 'shop', checkoutTimeoutMs: 15_000 });
 * cluster.add('PRIMARY', { host: 'db-a', user: 'app', database: 'shop' });
 * cluster.add('REPLICA1', { host: 'db-b', user: 'app', database: 'shop' });
 * cluster.writer().query('INSERT INTO visits (at) VALUES (NOW())', (error) => console.log(error));
 * cluster.reader().query('SELECT COUNT(*) AS n FROM visits', (error, rows) => console.log(rows));
 */
export function createPoolCluster(options?: PoolClusterOptions): HoldfastPoolCluster {
  return new HoldfastPoolCluster(parsePoolClusterOptions(options), (_id, config) =>
    promisePool(createPool(config)),
  );
}

/**
 * `mysql2/promise`'s `createPoolCluster`, with holdfast's pool on every node (see
 * `holdfast/mysql2`'s `createPoolCluster`).
 *
 * @throws {ConfigurationError} a malformed option
 * @example
 * import mysql from 'holdfast/mysql2/promise';
 * const cluster = mysql.createPoolCluster({ name: 'shop' });
 * cluster.add('PRIMARY', { host: 'db-a', user: 'app', database: 'shop' });
 * cluster.add('REPLICA1', { host: 'db-b', user: 'app', database: 'shop' });
 * await cluster.writer().query('INSERT INTO visits (at) VALUES (NOW())');
 * const [rows] = await cluster.reader().query('SELECT COUNT(*) AS n FROM visits');
 */
export function createPromisePoolCluster(options?: PoolClusterOptions): PromisePoolCluster {
  return createPoolCluster(options).promise();
}
