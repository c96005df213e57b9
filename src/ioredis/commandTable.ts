import { assertNever } from '../internal/assertNever.js';

/**
 * What sending a command twice does (DESIGN.md "What may be re-sent"):
 * - `read`: nothing; a read may be sent again at any time.
 * - `idempotent`: the data ends up the same after two sends as after one (SET, DEL, HSET,
 *   EXPIRE ...). The reply to the second send can differ: a `DEL` sent twice answers 0 the
 *   second time, because the first one already deleted the key.
 * - `unsafe`: a second send applies it twice (INCR, LPUSH, PUBLISH) or its reply is the whole
 *   point and would be wrong (`SET NX` for a lock, `GETDEL`). Once it may have reached the
 *   server it is never sent again: the caller gets `OutcomeUnknownError`.
 */
export type CommandSafety = 'read' | 'idempotent' | 'unsafe';

/** A row: a fixed verdict, or one that depends on the arguments (`SET ... GET`, `XADD ... *`). */
export type CommandRule = CommandSafety | ((args: readonly unknown[]) => CommandSafety);

function word(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.toUpperCase();
  if (Buffer.isBuffer(arg)) return arg.toString('latin1').toUpperCase();
  return undefined;
}

function hasWord(args: readonly unknown[], from: number, ...words: readonly string[]): boolean {
  for (let i = from; i < args.length; i++) {
    const w = word(args[i]);
    if (w !== undefined && words.includes(w)) return true;
  }
  return false;
}

/** `SET key value [NX|XX] [GET] [EX ...]`: GET returns the old value, NX answers nil the 2nd time. */
const setRule = (args: readonly unknown[]): CommandSafety =>
  hasWord(args, 2, 'GET', 'NX') ? 'unsafe' : 'idempotent';

/** `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...`: INCR adds to the score. */
const zaddRule = (args: readonly unknown[]): CommandSafety =>
  hasWord(args, 1, 'INCR') ? 'unsafe' : 'idempotent';

/**
 * `XADD key ... <id|*> field value ...`: an id chosen by the server (`*`, or `ms-*`) adds a new
 * entry on every send. With an explicit id a second send adds nothing (Redis answers an ERR reply
 * about the id instead). Any `*` argument counts, which is conservative: a field or value that
 * is literally `*` also makes it unsafe.
 */
const xaddRule = (args: readonly unknown[]): CommandSafety =>
  args.some((arg) => {
    const w = word(arg);
    return w !== undefined && (w === '*' || w.endsWith('-*'));
  })
    ? 'unsafe'
    : 'idempotent';

/** `<STORE> dest numkeys key ...`: summing scores into a destination that is also a source adds twice. */
const zstoreRule = (args: readonly unknown[]): CommandSafety => {
  const dest = word(args[0]);
  const count = Number(word(args[1]));
  const keys = Number.isSafeInteger(count) ? args.slice(2, 2 + count) : args.slice(2);
  return keys.some((key) => word(key) === dest) ? 'unsafe' : 'idempotent';
};

/** `BITOP op dest key ...`: `BITOP NOT k k` flips back on a second send. */
const bitopRule = (args: readonly unknown[]): CommandSafety => {
  const dest = word(args[1]);
  return args.slice(2).some((key) => word(key) === dest) ? 'unsafe' : 'idempotent';
};

/**
 * The command table, by upper-case command name. A command that is not here is `unsafe`: never
 * re-send what is not understood. Callers mark their own commands (a Lua script they know is
 * idempotent) with `{ idempotent: true }`.
 *
 * The `read` rows are every command that the Redis command table flags `readonly` (as shipped
 * by ioredis's `@ioredis/commands`; a spec checks they stay in step) plus PING, ECHO, TIME and
 * INFO.
 */
export const commandTable = {
  // Reads: connection and server.
  PING: 'read',
  ECHO: 'read',
  TIME: 'read',
  INFO: 'read',
  DBSIZE: 'read',
  LOLWUT: 'read',
  // Reads: keys and strings.
  EXISTS: 'read',
  TYPE: 'read',
  TTL: 'read',
  PTTL: 'read',
  EXPIRETIME: 'read',
  PEXPIRETIME: 'read',
  KEYS: 'read',
  SCAN: 'read',
  RANDOMKEY: 'read',
  TOUCH: 'read',
  DUMP: 'read',
  DIGEST: 'read',
  GET: 'read',
  MGET: 'read',
  GETRANGE: 'read',
  SUBSTR: 'read',
  STRLEN: 'read',
  LCS: 'read',
  GETBIT: 'read',
  BITCOUNT: 'read',
  BITPOS: 'read',
  BITFIELD_RO: 'read',
  SORT_RO: 'read',
  PFCOUNT: 'read',
  // Reads: hashes.
  HGET: 'read',
  HMGET: 'read',
  HGETALL: 'read',
  HKEYS: 'read',
  HVALS: 'read',
  HLEN: 'read',
  HEXISTS: 'read',
  HSTRLEN: 'read',
  HRANDFIELD: 'read',
  HSCAN: 'read',
  HTTL: 'read',
  HPTTL: 'read',
  HEXPIRETIME: 'read',
  HPEXPIRETIME: 'read',
  // Reads: lists, sets, sorted sets.
  LRANGE: 'read',
  LLEN: 'read',
  LINDEX: 'read',
  LPOS: 'read',
  SMEMBERS: 'read',
  SISMEMBER: 'read',
  SMISMEMBER: 'read',
  SCARD: 'read',
  SRANDMEMBER: 'read',
  SSCAN: 'read',
  SINTER: 'read',
  SINTERCARD: 'read',
  SUNION: 'read',
  SUNIONCARD: 'read',
  SDIFF: 'read',
  SDIFFCARD: 'read',
  ZRANGE: 'read',
  ZRANGEBYSCORE: 'read',
  ZRANGEBYLEX: 'read',
  ZREVRANGE: 'read',
  ZREVRANGEBYSCORE: 'read',
  ZREVRANGEBYLEX: 'read',
  ZSCORE: 'read',
  ZMSCORE: 'read',
  ZRANK: 'read',
  ZREVRANK: 'read',
  ZCARD: 'read',
  ZCOUNT: 'read',
  ZLEXCOUNT: 'read',
  ZRANDMEMBER: 'read',
  ZSCAN: 'read',
  ZDIFF: 'read',
  ZINTER: 'read',
  ZINTERCARD: 'read',
  ZUNION: 'read',
  // Reads: geo, streams, scripts declared read-only, vector sets and arrays (Redis 8).
  GEODIST: 'read',
  GEOHASH: 'read',
  GEOPOS: 'read',
  GEOSEARCH: 'read',
  GEORADIUS_RO: 'read',
  GEORADIUSBYMEMBER_RO: 'read',
  XLEN: 'read',
  XRANGE: 'read',
  XREVRANGE: 'read',
  XREAD: 'read',
  XPENDING: 'read',
  EVAL_RO: 'read',
  EVALSHA_RO: 'read',
  FCALL_RO: 'read',
  VCARD: 'read',
  VDIM: 'read',
  VEMB: 'read',
  VGETATTR: 'read',
  VINFO: 'read',
  VISMEMBER: 'read',
  VLINKS: 'read',
  VRANDMEMBER: 'read',
  VRANGE: 'read',
  VSIM: 'read',
  ARCOUNT: 'read',
  ARGET: 'read',
  ARGETRANGE: 'read',
  ARGREP: 'read',
  ARINFO: 'read',
  ARLASTITEMS: 'read',
  ARLEN: 'read',
  ARMGET: 'read',
  ARNEXT: 'read',
  AROP: 'read',
  ARSCAN: 'read',

  // Idempotent writes: the same data after a second send.
  SET: setRule,
  SETEX: 'idempotent',
  PSETEX: 'idempotent',
  GETEX: 'idempotent',
  MSET: 'idempotent',
  SETRANGE: 'idempotent',
  SETBIT: 'idempotent',
  DEL: 'idempotent',
  UNLINK: 'idempotent',
  EXPIRE: 'idempotent',
  PEXPIRE: 'idempotent',
  EXPIREAT: 'idempotent',
  PEXPIREAT: 'idempotent',
  PERSIST: 'idempotent',
  COPY: 'idempotent',
  HSET: 'idempotent',
  HMSET: 'idempotent',
  HDEL: 'idempotent',
  HEXPIRE: 'idempotent',
  HPEXPIRE: 'idempotent',
  HEXPIREAT: 'idempotent',
  HPEXPIREAT: 'idempotent',
  HPERSIST: 'idempotent',
  LSET: 'idempotent',
  LTRIM: 'idempotent',
  SADD: 'idempotent',
  SREM: 'idempotent',
  SMOVE: 'idempotent',
  SINTERSTORE: 'idempotent',
  SUNIONSTORE: 'idempotent',
  SDIFFSTORE: 'idempotent',
  ZADD: zaddRule,
  ZREM: 'idempotent',
  ZREMRANGEBYSCORE: 'idempotent',
  ZREMRANGEBYLEX: 'idempotent',
  ZRANGESTORE: 'idempotent',
  ZDIFFSTORE: 'idempotent',
  ZUNIONSTORE: zstoreRule,
  ZINTERSTORE: zstoreRule,
  BITOP: bitopRule,
  PFADD: 'idempotent',
  PFMERGE: 'idempotent',
  GEOADD: 'idempotent',
  SORT: 'idempotent',
  XADD: xaddRule,
  XACK: 'idempotent',
  XDEL: 'idempotent',
  XTRIM: 'idempotent',
  FLUSHDB: 'idempotent',
  FLUSHALL: 'idempotent',

  // Unsafe: a second send applies it again, or answers something else than the first did.
  INCR: 'unsafe',
  INCRBY: 'unsafe',
  INCRBYFLOAT: 'unsafe',
  DECR: 'unsafe',
  DECRBY: 'unsafe',
  HINCRBY: 'unsafe',
  HINCRBYFLOAT: 'unsafe',
  ZINCRBY: 'unsafe',
  APPEND: 'unsafe',
  GETSET: 'unsafe',
  GETDEL: 'unsafe',
  SETNX: 'unsafe',
  MSETNX: 'unsafe',
  HSETNX: 'unsafe',
  BITFIELD: 'unsafe',
  LPUSH: 'unsafe',
  RPUSH: 'unsafe',
  LPUSHX: 'unsafe',
  RPUSHX: 'unsafe',
  LINSERT: 'unsafe',
  LREM: 'unsafe',
  LPOP: 'unsafe',
  RPOP: 'unsafe',
  LMPOP: 'unsafe',
  LMOVE: 'unsafe',
  RPOPLPUSH: 'unsafe',
  BLPOP: 'unsafe',
  BRPOP: 'unsafe',
  BLMPOP: 'unsafe',
  BLMOVE: 'unsafe',
  BRPOPLPUSH: 'unsafe',
  SPOP: 'unsafe',
  ZPOPMIN: 'unsafe',
  ZPOPMAX: 'unsafe',
  ZMPOP: 'unsafe',
  BZPOPMIN: 'unsafe',
  BZPOPMAX: 'unsafe',
  BZMPOP: 'unsafe',
  ZREMRANGEBYRANK: 'unsafe',
  RENAME: 'unsafe',
  RENAMENX: 'unsafe',
  MOVE: 'unsafe',
  RESTORE: 'unsafe',
  PUBLISH: 'unsafe',
  SPUBLISH: 'unsafe',
  EVAL: 'unsafe',
  EVALSHA: 'unsafe',
  FCALL: 'unsafe',
  XREADGROUP: 'unsafe',
  XCLAIM: 'unsafe',
  XAUTOCLAIM: 'unsafe',
  XGROUP: 'unsafe',
  XSETID: 'unsafe',
  MULTI: 'unsafe',
  EXEC: 'unsafe',
} as const satisfies Readonly<Record<string, CommandRule>>;

const rows: Readonly<Record<string, CommandRule | undefined>> = commandTable;

/**
 * How many spellings of command names the per-name caches keep. The names holdfast sends are a
 * few dozen; `client.call()` takes any string, so past this the lookup is simply not cached.
 */
const cachedNamesLimit = 512;

/**
 * The row of each command name as it was given (`get`, `GET`): only the name-level part of the
 * verdict, since a row that is a function still judges the arguments on every call. This saves
 * upper-casing the name on every command (the hot path).
 */
const ruleByName = new Map<string, CommandRule>();

function remember<V>(cache: Map<string, V>, name: string, value: V): void {
  if (cache.size < cachedNamesLimit) cache.set(name, value);
}

/**
 * The verdict for one command with its arguments; `unsafe` for a command the table does not know.
 *
 * @param name the command name in any case (`get`, `GET`)
 * @param args the arguments after the name
 * @example
 * commandSafety('set', ['k', 'v']); // 'idempotent'
 * commandSafety('set', ['k', 'v', 'NX']); // 'unsafe'
 * commandSafety('incr', ['counter']); // 'unsafe'
 */
export function commandSafety(name: string, args: readonly unknown[] = []): CommandSafety {
  const rule = commandRule(name);
  return typeof rule === 'function' ? rule(args) : rule;
}

/**
 * The row of a command name in any case: a verdict, or a function that judges the arguments;
 * `unsafe` for a command the table does not know.
 *
 * @example
 * commandRule('get'); // 'read'
 */
export function commandRule(name: string): CommandRule {
  let rule = ruleByName.get(name);
  if (rule === undefined) {
    rule = rows[name.toUpperCase()] ?? 'unsafe';
    remember(ruleByName, name, rule);
  }
  return rule;
}

/** True when the command may be sent again after it may have reached the server. */
export function isResendable(name: string, args: readonly unknown[] = []): boolean {
  return commandSafety(name, args) !== 'unsafe';
}

/**
 * Commands that may wait on the server (BLPOP, XREAD BLOCK, WAIT ...): holdfast's per-command
 * timeout does not apply to them, since waiting longer than it is what they are for.
 */
export const blockingCommands: ReadonlySet<string> = new Set([
  'BLPOP',
  'BRPOP',
  'BLMOVE',
  'BLMOVEM',
  'BLMPOP',
  'BRPOPLPUSH',
  'BZPOPMIN',
  'BZPOPMAX',
  'BZMPOP',
  'XREAD',
  'XREADGROUP',
  'WAIT',
  'WAITAOF',
]);

/** Whether a command name blocks: never, always, or only with a `BLOCK` argument (XREAD). */
type Blocking = 'never' | 'always' | 'with-block';

/** The name-level part of `isBlockingCommand`, by the name as given (see `ruleByName`). */
const blockingByName = new Map<string, Blocking>();

/** True for a command that blocks on the server (XREAD and XREADGROUP only with BLOCK). */
export function isBlockingCommand(name: string, args: readonly unknown[] = []): boolean {
  let blocking = blockingByName.get(name);
  if (blocking === undefined) {
    const upper = name.toUpperCase();
    blocking = !blockingCommands.has(upper)
      ? 'never'
      : upper === 'XREAD' || upper === 'XREADGROUP'
        ? 'with-block'
        : 'always';
    remember(blockingByName, name, blocking);
  }
  switch (blocking) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'with-block':
      return hasWord(args, 0, 'BLOCK');
    default:
      return assertNever(blocking);
  }
}
