// Both drivers' drop-ins watch for the server's return (ADR 0017): their manager learns the
// address from its `target`, so after "connection refused" the wait is probed. A closed
// loopback port stands in for the server that is down.
import { expect } from 'chai';
import { type Observable, filter, firstValueFrom, timeout } from 'rxjs';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import { createRedisClient } from '../../src/ioredis/index.js';
import { createDatabasePool } from '../../src/mysql2/index.js';
import { freePort } from '../helpers/servers/freePort.js';

function firstRetrying(state$: Observable<ConnectionState<unknown>>) {
  return firstValueFrom(
    state$.pipe(
      filter((state) => state.status === 'retrying'),
      timeout(5000),
    ),
  );
}

describe('probing in the drop-ins', () => {
  it('holdfast/ioredis probes a refused Redis port', async () => {
    const port = await freePort();
    const client = createRedisClient({ host: '127.0.0.1', port, targetName: 'redis-probe' });
    try {
      void client.ready().catch(() => undefined);
      const retrying = await firstRetrying(client.state$);
      expect(retrying).to.include({ status: 'retrying', probing: true });
    } finally {
      await client.close();
    }
  });

  it('holdfast/mysql2 probes a refused MySQL port', async () => {
    const port = await freePort();
    const pool = createDatabasePool({
      host: '127.0.0.1',
      port,
      user: 'root',
      database: 'test',
      pool_name: 'mysql-probe',
    });
    try {
      void pool.ready().catch(() => undefined);
      const retrying = await firstRetrying(pool.state$);
      expect(retrying).to.include({ status: 'retrying', probing: true });
    } finally {
      await pool.close();
    }
  });
});
