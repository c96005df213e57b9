import { Duplex } from 'node:stream';
import sinon from 'sinon';

/** How the fake server answers a new connection. */
export type ConnectMode = 'accept' | 'drop' | 'deny';
/** How it answers one statement: a reply (one row, or OK for a write), nothing, or a closed socket. */
export type StatementMode = 'reply' | 'hang' | 'kill';

/** What a fake server connection remembers. */
export interface FakeServerConnection {
  /** The connection id in the greeting (mysql2's `threadId`): 1, 2, ... */
  readonly id: number;
  /** The statements it received (COM_QUERY text, or the text of an executed prepared statement). */
  readonly statements: string[];
  /** Closes the socket, as a server that died would (no error packet). */
  kill(): void;
}

/**
 * Fake timers for specs with a FakeMysqlServer: `process.nextTick` and microtasks stay real, so
 * the in-memory streams flow without ticking; every timer and clock read is fake.
 */
export function fakeTime(): sinon.SinonFakeTimers {
  return sinon.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
}

/**
 * A MySQL server in memory for unit specs, handed to mysql2 (or holdfast) through mysql2's
 * public `stream` option: the few packets of the protocol mysql2 needs, answered synchronously
 * over a pair of in-memory streams. No socket, no port, no real timer.
 *
 * - `connect`: `accept` (any credentials), `drop` (closed before the greeting:
 *   PROTOCOL_CONNECTION_LOST), `deny` (ER_ACCESS_DENIED_ERROR 1045).
 * - `answer(sql, connection)`: how each statement is answered (default `reply`): a SELECT gets
 *   one row `{ one: 1 }`, anything else an OK packet with `affectedRows: 1`. A prepared
 *   statement (`execute`) is prepared with no parameters and no columns and answered with OK.
 * - `ping`: `reply` or `hang`.
 */
export class FakeMysqlServer {
  connect: ConnectMode = 'accept';
  ping: 'reply' | 'hang' = 'reply';
  answer: (sql: string, connection: FakeServerConnection) => StatementMode = () => 'reply';
  /** Every connection attempt, in order (dropped and denied ones included). */
  readonly connections: FakeServerConnection[] = [];
  /** mysql2's `stream` option: one in-memory socket per connection. */
  readonly stream = (): Duplex => this.#open();

  /** Every statement received, in order, across connections. */
  get statements(): string[] {
    return this.connections.flatMap((c) => c.statements);
  }

  #open(): Duplex {
    const [client, server] = streamPair();
    const id = this.connections.length + 1;
    const statements: string[] = [];
    this.connections.push({ id, statements, kill: () => server.destroy() });
    if (this.connect === 'drop') {
      process.nextTick(() => server.destroy());
      return client;
    }
    const deny = this.connect === 'deny';
    const send = (seq: number, payload: Buffer): void => {
      const head = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, seq]);
      server.write(Buffer.concat([head, payload]));
    };
    const ok = (seq: number): void => {
      send(seq, Buffer.from([0, 1, 0, 2, 0, 0, 0]));
    };
    const prepared: string[] = [];
    let greeted = false;
    const handle = (seq: number, packet: Buffer): void => {
      if (!greeted) {
        greeted = true;
        if (deny) {
          send(
            seq + 1,
            Buffer.concat([
              Buffer.from([0xff, 0x15, 0x04]),
              text("#28000Access denied for user 'app'"),
            ]),
          );
        } else ok(seq + 1);
        return;
      }
      const command = packet[0];
      const body = packet.subarray(1).toString('utf8');
      if (command === 0x01) server.end();
      else if (command === 0x0e && this.ping === 'reply') ok(1);
      else if (command === 0x16) {
        prepared.push(body);
        send(1, Buffer.from([0, prepared.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
      } else if (command === 0x03 || command === 0x17) {
        const sql = command === 0x03 ? body : (prepared[(packet[1] ?? 1) - 1] ?? '');
        statements.push(sql);
        const mode = this.answer(sql, this.connections[id - 1] as FakeServerConnection);
        if (mode === 'kill') server.destroy();
        else if (mode === 'reply' && command === 0x03 && /^\s*select/i.test(sql)) resultSet(send);
        else if (mode === 'reply') ok(1);
      }
    };
    let pending = Buffer.alloc(0);
    server.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = (pending[0] ?? 0) | ((pending[1] ?? 0) << 8) | ((pending[2] ?? 0) << 16);
        if (pending.length < 4 + length) break;
        const seq = pending[3] ?? 0;
        const packet = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        handle(seq, packet);
      }
    });
    server.on('error', () => undefined);
    process.nextTick(() => {
      send(0, greeting(id));
    });
    return client;
  }
}

function text(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

function lenenc(value: string): Buffer {
  return Buffer.concat([Buffer.from([Buffer.byteLength(value)]), text(value)]);
}

/** Protocol 10 greeting: mysql_native_password, protocol 4.1, secure connection, plugin auth. */
function greeting(id: number): Buffer {
  const scramble = Buffer.alloc(20, 0x61);
  return Buffer.concat([
    Buffer.from([10]),
    text('10.11.0-fake\0'),
    Buffer.from([id & 0xff, 0, 0, 0]),
    scramble.subarray(0, 8),
    Buffer.from([0, 0x09, 0xa2, 8, 2, 0, 0x08, 0, 21]),
    Buffer.alloc(10, 0),
    scramble.subarray(8),
    Buffer.from([0]),
    text('mysql_native_password\0'),
  ]);
}

/** One column `one` (BIGINT), one row: 1. */
function resultSet(send: (seq: number, payload: Buffer) => void): void {
  const eof = Buffer.from([0xfe, 0, 0, 2, 0]);
  send(1, Buffer.from([1]));
  send(
    2,
    Buffer.concat([
      ...['def', '', '', '', 'one', ''].map(lenenc),
      Buffer.from([0x0c, 63, 0, 1, 0, 0, 0, 0x08, 0, 0, 0, 0, 0]),
    ]),
  );
  send(3, eof);
  send(4, lenenc('1'));
  send(5, eof);
}

/** Two connected in-memory streams: what one end writes, the other reads; closing one closes both. */
function streamPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {
        // Data is pushed by the other end's writes.
      },
      // Delivered on a later tick, as a socket does: mysql2 is not written to re-entrantly.
      write(chunk: Buffer, _encoding, done) {
        const copy = Buffer.from(chunk);
        process.nextTick(() => other().push(copy));
        done();
      },
      final(done) {
        process.nextTick(() => other().push(null));
        done();
      },
      destroy(error, done) {
        if (!other().destroyed) other().destroy();
        done(error);
      },
    });
  ends.push(
    end(() => ends[1] as Duplex),
    end(() => ends[0] as Duplex),
  );
  return [ends[0] as Duplex, ends[1] as Duplex];
}
