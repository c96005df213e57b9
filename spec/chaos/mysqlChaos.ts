// Shared tools of the MySQL chaos specs (mysql*.spec.ts): a connection counter in front of the
// private server, the writes table, and reads that bypass the pool under test.
import { connect, type Socket } from 'node:net';
import { createConnection } from 'mysql2/promise';
import type { MariaDbServer } from '../helpers/servers/MariaDbServer.js';

/**
 * A mysql2 `stream` factory that counts every TCP connection attempt, so a spec can tell how many
 * attempts reached (or tried to reach) the server.
 */
export interface ConnectCounter {
  readonly stream: () => Socket;
  /** Attempts made so far. */
  count(): number;
  /** Attempts the server refused (ECONNREFUSED) so far. */
  refused(): number;
}

export function connectCounter(server: Pick<MariaDbServer, 'host' | 'port'>): ConnectCounter {
  let attempts = 0;
  let refused = 0;
  return {
    stream: () => {
      attempts += 1;
      const socket = connect({ host: server.host, port: server.port });
      socket.setNoDelay(true);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') refused += 1;
      });
      return socket;
    },
    count: () => attempts,
    refused: () => refused,
  };
}

/** Runs statements on a short-lived raw connection (never through the pool under test). */
export async function rawQuery(
  server: Pick<MariaDbServer, 'host' | 'port'>,
  sql: string,
  values?: unknown[],
): Promise<unknown> {
  const connection = await createConnection({
    host: server.host,
    port: server.port,
    user: 'root',
    database: 'test',
    connectTimeout: 5000,
  });
  try {
    const [rows] = await connection.query(sql, values);
    return rows;
  } finally {
    connection.destroy();
  }
}

/** (Re)creates `table` with a unique string id per write: a second copy would be a duplicate. */
export async function createWritesTable(
  server: Pick<MariaDbServer, 'host' | 'port'>,
  table: string,
): Promise<void> {
  await rawQuery(server, `DROP TABLE IF EXISTS ${table}`);
  await rawQuery(
    server,
    `CREATE TABLE ${table} (seq INT AUTO_INCREMENT PRIMARY KEY, id VARCHAR(32) NOT NULL) ENGINE=InnoDB`,
  );
}

/** Every id in `table`, duplicates kept (the table has no unique key on id on purpose). */
export async function appliedIds(
  server: Pick<MariaDbServer, 'host' | 'port'>,
  table: string,
): Promise<string[]> {
  const rows = (await rawQuery(server, `SELECT id FROM ${table}`)) as { id: string }[];
  return rows.map((row) => row.id);
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitUntil(
  predicate: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
