// Watching for the server's return (ADR 0017) against a private mariadbd: a server that accepts
// TCP but refuses logins and a blackholed port are never probed (they see only the backoff's
// attempts), and MariaDB's max_connect_errors never blocks a client whose waits were probed.
import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Connection, createConnection } from 'mysql2/promise';
import { fromEvent, merge } from 'rxjs';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { silentLogger } from '../../src/telemetry/Logger.js';
import { MariaDbServer } from '../helpers/servers/MariaDbServer.js';
import { tcpProbe } from '../../src/probe/tcpProbe.js';
import { recordScenario } from './recordScenario.js';
import { pause } from './redisChaos.js';
import { rejection } from './toxicChaos.js';

const maxConnectErrors = 3;
const user = 'hf17';
/** A loopback address MariaDB does not exempt from its host cache (127.0.0.1 is exempt). */
const countedAddress = '127.0.0.2';
const code = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;
const retry = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 400, jitter: 'none' } as const;

interface HostCacheRow {
  readonly SUM_CONNECT_ERRORS: number;
  readonly COUNT_HANDSHAKE_ERRORS: number;
  readonly COUNT_HOST_BLOCKED_ERRORS: number;
}

describe('ConnectionManager probe against a private mariadbd (chaos: probe)', function () {
  this.timeout(60_000);
  let server: MariaDbServer;
  let admin: Connection;
  const managers: ConnectionManager<Connection>[] = [];
  const held: Connection[] = [];

  before(async () => {
    server = await MariaDbServer.start({
      maxConnections: 10,
      // The host cache only counts when names are resolved; performance_schema shows it.
      args: [
        `--max-connect-errors=${maxConnectErrors}`,
        '--skip-name-resolve=0',
        '--performance-schema=ON',
      ],
    });
    // Over the unix socket as root@localhost: a SUPER connection, allowed past max_connections.
    admin = await createConnection({ socketPath: join(server.dir, 'mysqld.sock'), user: 'root' });
    await admin.query(`CREATE USER '${user}'@'%'`);
    await admin.query(`GRANT ALL ON test.* TO '${user}'@'%'`);
  });

  afterEach(async function () {
    await Promise.all(managers.splice(0).map((m) => m.close()));
    await Promise.all(
      held.splice(0).map((c) =>
        c.end().catch(() => {
          c.destroy();
        }),
      ),
    );
    if (this.currentTest?.state === 'failed') console.log(server.logTail(40));
  });

  after(async () => {
    await admin.end().catch(() => undefined);
    await server.stop();
  });

  /** A manager over one mysql2 connection to `port` (the server, or a proxy before it). */
  function manager(
    port: number,
    options: Partial<ConnectionManagerOptions<Connection>> = {},
  ): { manager: ConnectionManager<Connection>; events: ConnectionEvent<Connection>[] } {
    const m = new ConnectionManager<Connection>({
      name: 'mysql-probe',
      connect: () =>
        createConnection({ host: server.host, port, user, database: 'test', connectTimeout: 500 }),
      disconnect: (c) => {
        c.destroy();
      },
      // mysql2/promise re-emits the core connection's 'error' and 'end'.
      lost: (c) => {
        const emitter = c as unknown as EventEmitter;
        return merge(fromEvent(emitter, 'error'), fromEvent(emitter, 'end'));
      },
      target: { system: 'mysql', address: server.host, port },
      retry,
      budget: false,
      logger: silentLogger,
      ...options,
    });
    managers.push(m);
    const events: ConnectionEvent<Connection>[] = [];
    m.events$.subscribe((event) => events.push(event));
    return { manager: m, events };
  }

  async function serverConnections(): Promise<number> {
    const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Connections'");
    return Number((rows as { Value: string }[])[0]?.Value);
  }

  const probes = (events: readonly ConnectionEvent<Connection>[]) =>
    events.filter((e) => e.type === 'probe-result');

  it('a server that accepts TCP but refuses logins (max_connections) sees only the backoff attempts', async () => {
    // Fill every slot a non-SUPER user may have.
    for (;;) {
      const c = await createConnection({ host: server.host, port: server.port, user }).catch(
        () => undefined,
      );
      if (c === undefined) break;
      held.push(c);
    }
    const counts: Record<string, number> = {};
    for (const [label, probe] of [
      ['probing on (default)', undefined],
      ['probing off (0.1)', false as const],
    ] as const) {
      const { manager: m, events } = manager(server.port, probe === false ? { probe } : {});
      const before = await serverConnections();
      const error = await rejection(m.ready());
      counts[label] = (await serverConnections()) - before;
      expect(code(error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(code((error as Error).cause)).to.equal('ER_CON_COUNT_ERROR');
      expect(probes(events), label).to.deep.equal([]);
    }
    expect(counts['probing on (default)']).to.equal(retry.maxRetries + 1);
    expect(counts['probing on (default)']).to.equal(counts['probing off (0.1)']);
    recordScenario({
      target: 'mysql',
      scenario: 'probe: server accepts TCP, refuses logins (max_connections reached)',
      injected: `every connection slot of the user held; ready() with maxRetries ${retry.maxRetries}`,
      callersSaw: `RetriesExhaustedError (cause ER_CON_COUNT_ERROR 1040); the server counted ${counts['probing on (default)']} connections with probing on, ${counts['probing off (0.1)']} with it off; 0 probes`,
      recoveryMs: null,
      invariants: ['a server that answered is never probed', 'at most maxRetries + 1 attempts'],
      counts,
    });
  });

  it('a blackholed port is not probed: only the attempts reach it', async () => {
    const proxy = await FaultProxy.start({ upstream: { host: server.host, port: server.port } });
    try {
      proxy.add({ type: 'timeout', attributes: { timeout: 0 } });
      const { manager: m, events } = manager(proxy.port, { connectTimeoutMs: 300 });
      const error = await rejection(m.ready());
      expect(code(error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      // The call may end at its own limit before the cycle does; the cycle goes on to its end.
      const started = performance.now();
      while (!events.some((e) => e.type === 'gave-up') && performance.now() - started < 5000) {
        await pause(20);
      }
      const attempts = events.filter((e) => e.type === 'attempt-started').length;
      expect(attempts).to.equal(retry.maxRetries + 1);
      expect(proxy.stats().connections.total).to.equal(attempts);
      expect(probes(events)).to.deep.equal([]);
      recordScenario({
        target: 'mysql',
        scenario: 'probe: blackholed port',
        injected: 'FaultProxy `timeout` toxic (accepts TCP, never answers), connectTimeoutMs 300',
        callersSaw: `RetriesExhaustedError after ${proxy.stats().connections.total} connections (the attempts), 0 probes`,
        recoveryMs: null,
        invariants: ['a timeout is never probed', 'at most maxRetries + 1 attempts'],
        counts: { connections: proxy.stats().connections.total },
      });
    } finally {
      await proxy.close();
    }
  });

  it(`max_connect_errors=${maxConnectErrors}: 10 probed outages never block the host; bare connects do`, async () => {
    await admin.query('FLUSH HOSTS');
    // The server stays up (its host cache would be reset by a restart); the proxy goes down and
    // comes back, and connects to the server from 127.0.0.2, which the host cache counts.
    const proxy = await FaultProxy.start({
      upstream: { host: server.host, port: server.port, localAddress: countedAddress },
    });
    const hostCache = async (): Promise<HostCacheRow | undefined> => {
      const [rows] = await admin.query(
        'SELECT SUM_CONNECT_ERRORS, COUNT_HANDSHAKE_ERRORS, COUNT_HOST_BLOCKED_ERRORS FROM performance_schema.host_cache WHERE IP = ?',
        [countedAddress],
      );
      return (rows as HostCacheRow[])[0];
    };
    try {
      const { manager: m, events } = manager(proxy.port, {
        retry: { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000 },
      });
      await m.ready();
      const outages = 10;
      const recoveries: number[] = [];
      for (let i = 0; i < outages; i++) {
        const down = proxy.add({ type: 'down' });
        await pause(250);
        const back = performance.now();
        await proxy.remove(down);
        await m.ready({ timeoutMs: 5000 });
        recoveries.push(performance.now() - back);
        await m.execute((c) => c.query('SELECT 1'), { idempotent: true });
      }
      const after = await hostCache();
      const listening = events.filter(
        (e) => e.type === 'probe-result' && e.outcome === 'listening',
      ).length;
      // Every outage was found by a probe, which the server counted as a handshake error...
      expect(listening).to.equal(outages);
      expect(after?.COUNT_HANDSHAKE_ERRORS).to.be.at.least(outages);
      // ...and the login right after it reset the count: never blocked. The server may register
      // a probe's error just after the login it preceded, so one can be outstanding, never more.
      expect(after?.SUM_CONNECT_ERRORS).to.be.at.most(1);
      expect(after?.COUNT_HOST_BLOCKED_ERRORS).to.equal(0);
      expect(Math.max(...recoveries), 'slowest recovery after the port came back').to.be.below(
        1000,
      );

      // The counter is live: bare connects without a login block the host.
      for (let i = 0; i <= maxConnectErrors; i++) {
        await tcpProbe({ host: server.host, port: proxy.port }, new AbortController().signal);
        await pause(50);
      }
      const login = await rejection(
        createConnection({ host: server.host, port: proxy.port, user, database: 'test' }),
      );
      expect(code(login)).to.equal('ER_HOST_IS_BLOCKED');
      const blocked = await hostCache();
      expect(blocked?.COUNT_HOST_BLOCKED_ERRORS).to.be.at.least(1);
      recordScenario({
        target: 'mysql',
        scenario: `probe: max_connect_errors=${maxConnectErrors}, 10 outages`,
        injected: `mariadbd --max-connect-errors=${maxConnectErrors} with name resolution; the port (a proxy connecting from ${countedAddress}) down 250 ms, 10 times; default MySQL backoff`,
        callersSaw: `10 recoveries, ${Math.round(Math.min(...recoveries))}-${Math.round(Math.max(...recoveries))} ms after the port came back; ${listening} probes connected (each a handshake error to MariaDB, COUNT_HANDSHAKE_ERRORS ${after?.COUNT_HANDSHAKE_ERRORS}), each followed by a login that reset the count (at most one outstanding): SUM_CONNECT_ERRORS ${after?.SUM_CONNECT_ERRORS}, never blocked; ${maxConnectErrors + 1} bare connects without a login then blocked the host (1129)`,
        recoveryMs: Math.round(Math.max(...recoveries)),
        invariants: ['probing never gets the host blocked'],
        counts: {
          handshakeErrors: after?.COUNT_HANDSHAKE_ERRORS ?? -1,
          sumConnectErrors: after?.SUM_CONNECT_ERRORS ?? -1,
          blocked: after?.COUNT_HOST_BLOCKED_ERRORS ?? -1,
        },
      });
      console.log(
        `      max_connect_errors: 10 outages, recoveries ${recoveries.map(Math.round).join(', ')} ms; host cache ${JSON.stringify(after)}`,
      );
    } finally {
      await proxy.close();
      await admin.query('FLUSH HOSTS');
    }
  });
});
