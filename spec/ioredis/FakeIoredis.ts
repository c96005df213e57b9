// A scripted stand-in for an ioredis 6 `Redis` instance (no socket): the statuses and events it
// goes through, the errors it rejects with (same classes and messages as ioredis), replies held
// until a spec releases or drops them.
import { EventEmitter } from 'node:events';
import type { Redis, RedisOptions } from 'ioredis';
import { ReplyError } from 'ioredis';

/** ioredis's message for a command on a closed connection (lib/utils CONNECTION_CLOSED_ERROR_MSG). */
export const connectionClosedMessage = 'Connection is closed.';

export interface SentCommand {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** How `connect()` goes. */
export type ConnectScript =
  | { readonly kind: 'ready' }
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'hang' };

/** How a command is answered: a value, an error reply, or held until `release`/`drop`. */
export type ReplyScript = (command: SentCommand) => { value: unknown } | { error: Error } | 'hold';

interface Held {
  readonly command: SentCommand;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class FakeIoredis extends EventEmitter {
  status = 'wait';
  readonly options: RedisOptions;
  readonly sent: SentCommand[] = [];
  readonly held: Held[] = [];
  connectScript: ConnectScript = { kind: 'ready' };
  reply: ReplyScript = ({ name }) => ({ value: name === 'ping' ? 'PONG' : 'OK' });
  disconnects = 0;
  /** ioredis's queue of written, unanswered commands (what the watchdog reads). */
  readonly commandQueue = {
    peekFront: (): Held | undefined => this.held[0],
  };
  readonly stream = {
    destroy: (): void => {
      this.drop();
    },
  };

  constructor(options: RedisOptions) {
    super();
    this.options = options;
  }

  /** This fake, typed as the ioredis instance the code under test expects. */
  get asRedis(): Redis {
    return this as unknown as Redis;
  }

  connect(): Promise<void> {
    this.setStatus('connecting');
    const script = this.connectScript;
    return new Promise<void>((resolve, reject) => {
      if (script.kind === 'hang') return;
      process.nextTick(() => {
        if (this.status === 'end') {
          reject(new Error(connectionClosedMessage));
          return;
        }
        if (script.kind === 'fail') {
          // ioredis emits the cause, then closes, then rejects with a bare "Connection is closed.".
          this.emit('error', script.error);
          this.setStatus('close');
          this.setStatus('end');
          reject(new Error(connectionClosedMessage));
          return;
        }
        this.setStatus('connect');
        this.setStatus('ready');
        resolve();
      });
    });
  }

  call(name: string, ...args: unknown[]): Promise<unknown> {
    const command = { name, args };
    if (this.status === 'end') return Promise.reject(new Error(connectionClosedMessage));
    if (this.status !== 'ready') {
      return Promise.reject(
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      );
    }
    this.sent.push(command);
    const outcome = this.reply(command);
    return new Promise((resolve, reject) => {
      if (outcome === 'hold') this.held.push({ command, resolve, reject });
      else if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    });
  }

  ping(): Promise<unknown> {
    return this.call('ping');
  }

  hset(key: unknown, fields: Record<string, unknown>): Promise<unknown> {
    return this.call('hset', key, ...Object.entries(fields).flat());
  }

  mset(fields: Record<string, unknown>): Promise<unknown> {
    return this.call('mset', ...Object.entries(fields).flat());
  }

  quit(): Promise<unknown> {
    const reply = this.call('quit');
    reply.then(
      () => {
        this.drop();
      },
      () => undefined,
    );
    return reply;
  }

  disconnect(): void {
    this.disconnects += 1;
    this.drop();
  }

  /** Answers every held command with `value`. */
  release(value: unknown = 'OK'): void {
    for (const held of this.held.splice(0)) held.resolve(value);
  }

  /**
   * The connection dies as ioredis reports it: status `close` then `end` (no reconnect), every
   * held command rejected with "Connection is closed.".
   */
  drop(): void {
    if (this.status === 'end') return;
    this.setStatus('close');
    this.setStatus('end');
    for (const held of this.held.splice(0)) held.reject(new Error(connectionClosedMessage));
  }

  setStatus(status: string): void {
    this.status = status;
    process.nextTick(() => this.emit(status));
  }
}

/** A server error reply as ioredis 6 builds it (name `ReplyError`). */
export function replyError(message: string): Error {
  return new (ReplyError as new (message: string) => Error)(message);
}

/** Records every instance a client builds; `next` scripts the one built next. */
export class FakeIoredisFactory {
  readonly instances: FakeIoredis[] = [];
  #scripts: ((fake: FakeIoredis) => void)[] = [];
  defaultScript: ((fake: FakeIoredis) => void) | undefined;

  /** Scripts the next instance (call once per instance, in order). */
  next(script: (fake: FakeIoredis) => void): this {
    this.#scripts.push(script);
    return this;
  }

  readonly create = (options: RedisOptions): Redis => {
    const fake = new FakeIoredis(options);
    (this.#scripts.shift() ?? this.defaultScript)?.(fake);
    this.instances.push(fake);
    return fake.asRedis;
  };

  get last(): FakeIoredis {
    const fake = this.instances.at(-1);
    if (fake === undefined) throw new Error('no ioredis instance was created');
    return fake;
  }
}

/**
 * Fake timers that leave `process.nextTick` real: ioredis (and this fake) emit status events on
 * the next tick, which must run without ticking the clock.
 */
export const fakeTimerOptions = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
} as const;
