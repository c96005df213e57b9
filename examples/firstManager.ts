import { type Connection, createConnection } from 'mysql2/promise';
import { fromEvent } from 'rxjs';
import { ConnectionManager } from '../src/index.js';

// A manager owns one connection to one target: here a single mysql2 connection.
const manager = new ConnectionManager<Connection>({
  name: 'mysql-main',
  connect: () => createConnection({ host: '127.0.0.1', user: 'root', database: 'test' }),
  verify: (connection) => connection.ping(), // a failed check is a failed attempt
  disconnect: (connection) => connection.end(),
  lost: (connection) => fromEvent(connection, 'error'), // then it reconnects
  retry: { maxRetries: 5, baseDelayMs: 200 }, // ms; defaults: 3 retries, 1000, 30000
});

// Nothing is opened until asked: `ready()` and `execute()` start the one reconnect loop.
await manager.ready();
const [rows] = await manager.execute((connection) => connection.query('SELECT 1 AS ok'), {
  description: 'select one',
  idempotent: true, // safe to run again if the connection drops mid-way
});
console.log(rows); // [ { ok: 1 } ]
await manager.close();
