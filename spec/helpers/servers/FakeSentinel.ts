// An in-process stand-in for a Redis sentinel that answers what a test scripts: the address it
// names as master for each successive SENTINEL GET-MASTER-ADDR-BY-NAME (a stale sentinel that
// still names a demoted master, then the right one). Loopback only; every socket ends on close().
import { createServer, type Server, type Socket } from 'node:net';

export class FakeSentinel {
  readonly host = '127.0.0.1';
  /** Every master address it named, in order. */
  readonly named: number[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly answers: number[];

  private constructor(answers: number[]) {
    this.answers = answers;
    this.server = createServer((socket) => {
      this.accept(socket);
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /**
   * Names `masterPorts[0]`, then `masterPorts[1]`, ..., then the last one for every later
   * question. SENTINEL SENTINELS is answered with no peers; anything else with +OK.
   */
  static async start(masterPorts: readonly number[]): Promise<FakeSentinel> {
    const fake = new FakeSentinel([...masterPorts]);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const parsed = parseCommand(buffered);
        if (parsed === undefined) return;
        buffered = buffered.slice(parsed.length);
        socket.write(this.reply(parsed.args.map((a) => a.toLowerCase())));
      }
    });
  }

  private reply(args: readonly string[]): string {
    if (args[0] === 'sentinel' && args[1] === 'get-master-addr-by-name') {
      const port = this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
      this.named.push(port);
      return `*2\r\n$9\r\n127.0.0.1\r\n$${String(port).length}\r\n${port}\r\n`;
    }
    if (args[0] === 'sentinel') return '*0\r\n';
    return '+OK\r\n';
  }
}

/** One RESP array command at the start of `text`, or undefined while incomplete. */
function parseCommand(text: string): { args: string[]; length: number } | undefined {
  if (!text.startsWith('*')) return undefined;
  let at = text.indexOf('\r\n');
  if (at < 0) return undefined;
  const count = Number(text.slice(1, at));
  at += 2;
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    const end = text.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const size = Number(text.slice(at + 1, end));
    const start = end + 2;
    if (text.length < start + size + 2) return undefined;
    args.push(text.slice(start, start + size));
    at = start + size + 2;
  }
  return { args, length: at };
}
