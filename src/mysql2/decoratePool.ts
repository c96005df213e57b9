import type { Pool, PoolConnection, PoolOptions } from 'mysql2';
import { mysql } from './mysql2Module.js';
import { expectInteger } from '../internal/validate.js';
import { decorateConnection } from './decorateConnection.js';
import { gateCheckout } from './gateCheckout.js';
import type { CloseOptions, HoldfastPool, HoldfastPoolExtras } from './HoldfastPool.js';
import type { ResolvedPoolConfig } from './parseDatabasePoolConfig.js';
import { type CheckoutCallback, PoolRuntime } from './PoolRuntime.js';
import { poolStatements, promiseStatements } from './poolStatements.js';
import { runTransaction, transactionHandler } from './runTransaction.js';
import { SocketTracker } from './SocketTracker.js';

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

// After the borrowed connections are back, connections get this long to say COM_QUIT.
const quitGraceMs = 1000;

type EndCallback = (error?: Error | null) => void;

/**
 * Builds a mysql2 pool (mysql2's own `createPool`) and adds holdfast's behaviour to that
 * instance: `getConnection` behind the manager's gate, `query` / `execute` under the re-send
 * rules, each connection decorated as mysql2 opens it ('connection' event), `end` / `close`
 * that end everything, and `state$`, `events$`, `ready()`, `metrics()`, `transaction()`.
 * mysql2's prototypes are never touched: another pool in the process is plain mysql2.
 */
export function decoratePool(config: ResolvedPoolConfig): HoldfastPool {
  const sockets = new SocketTracker(config.driverOptions.stream);
  const pool = mysql.createPool({
    ...(config.driverOptions as PoolOptions),
    stream: sockets.factory,
  });
  const base = Object.getPrototypeOf(pool) as Pool;
  const runtime = new PoolRuntime(config, pool, sockets, (callback: CheckoutCallback) => {
    base.getConnection.call(pool, callback);
  });
  pool.on('connection', (connection) => {
    decorateConnection(runtime, connection);
  });
  const statements = poolStatements(runtime);
  const transactions = transactionHandler(runtime);
  let closing: Promise<void> | undefined;
  const close = (options?: CloseOptions): Promise<void> => {
    closing ??= closePool(
      runtime,
      base,
      options?.timeoutMs === undefined ? 10_000 : expectInteger('timeoutMs', options.timeoutMs, 0),
    );
    return closing;
  };
  const extras: Omit<HoldfastPoolExtras, 'state'> = {
    name: config.name,
    policy: config.retry,
    state$: runtime.manager.state$,
    events$: runtime.manager.events$,
    ready: async (options) => {
      await runtime.manager.ready(options);
    },
    metrics: () => runtime.metrics(),
    transaction: (fn, options) => runTransaction(runtime, transactions, fn, options),
    close,
  };
  Object.assign(pool, extras, {
    getConnection: gateCheckout(runtime),
    query: statements.query,
    execute: statements.execute,
    end: (callback?: EndCallback) => {
      void close({ timeoutMs: 0 }).then(() => callback?.(null));
    },
  });
  Object.defineProperty(pool, promiseStatements, { value: statements.run });
  Object.defineProperty(pool, 'state', { get: () => runtime.manager.state, enumerable: true });
  // mysql2's pool keeps the password in its config: util.inspect (console.log, a logger that
  // prints the object) shows holdfast's summary instead.
  Object.defineProperty(pool, inspectCustom, { value: () => describePool(runtime) });
  return pool as HoldfastPool;
}

/** What `util.inspect` shows of a holdfast pool: never its config (which holds the password). */
export function describePool(runtime: PoolRuntime): object {
  const { target } = runtime.config;
  return {
    pool: runtime.config.name,
    server: `${target.address ?? ''}${target.port === undefined ? '' : `:${String(target.port)}`}`,
    status: runtime.manager.state.status,
    metrics: runtime.metrics(),
  };
}

async function closePool(runtime: PoolRuntime, base: Pool, timeoutMs: number): Promise<void> {
  const { clock } = runtime.config;
  await runtime.manager.close();
  // Handshakes still under way (a blackholed server may never answer one) end now.
  runtime.sockets.destroyUnless((config) => runtime.connections.hasConfig(config));
  // Checkouts waiting for a connection to come back look again, and find the pool closed; those
  // queued in mysql2 fail now (a connection mysql2 hands one later goes back).
  runtime.wakeAll();
  const closed = runtime.closedError() as NodeJS.ErrnoException;
  for (const queued of [...runtime.ungated]) {
    if (!runtime.probes.has(queued)) queued(closed, undefined as unknown as PoolConnection);
  }
  const deadline = clock.now() + timeoutMs;
  while (runtime.connections.used > 0 && clock.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = clock.setTimeout(resolve, Math.max(1, deadline - clock.now()));
      runtime.whenReleased(() => {
        clock.clearTimeout(timer);
        resolve();
      });
    });
  }
  await new Promise<void>((resolve) => {
    const timer = clock.setTimeout(resolve, quitGraceMs);
    base.end.call(runtime.pool, () => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
  // A server that never answers COM_QUIT, and handshakes still under way: torn down now.
  runtime.sockets.destroyAll();
  for (const connection of runtime.connections.all()) {
    if (runtime.connections.closed(connection)) runtime.counters.destroyed += 1;
  }
  runtime.poolMetrics?.unregister();
}
