import type { Redis } from 'ioredis';

/** A key: a string or raw bytes. */
export type RedisKey = string | Buffer;
/** An argument: a string, raw bytes or a number. */
export type RedisArgument = string | Buffer | number;
/** A field-value map for HSET and MSET. */
export type RedisFieldMap =
  Readonly<Record<string, RedisArgument>> | ReadonlyMap<RedisArgument, RedisArgument>;

/**
 * The typed subset of ioredis's commands that a holdfast client answers directly. Each one is
 * sent with the command table's verdict for its arguments (commandTable.ts): reads and
 * idempotent writes are retried across reconnects; unsafe writes (INCR, LPUSH, PUBLISH, ...)
 * fail with `OutcomeUnknownError` once they may have reached the server. For any other command
 * use `client.call(name, ...args)` or `client.command(name, args, { idempotent })`.
 */
export abstract class RedisCommands {
  /** Sends `name args` through `redis.call`, with the table's verdict. */
  protected abstract sendCommand<T>(name: string, args: readonly RedisArgument[]): Promise<T>;

  /**
   * Sends a command that needs one of ioredis's own methods (its argument transformers turn an
   * object into field-value pairs); `args` are what the table judges.
   */
  protected abstract sendCommandWith<T>(
    name: string,
    args: readonly unknown[],
    run: (redis: Redis) => Promise<T>,
  ): Promise<T>;

  // Connection and keys.

  /** PING: `'PONG'`. Read. */
  ping(): Promise<string> {
    return this.sendCommand('PING', []);
  }

  /** EXISTS: how many of the keys exist. Read. */
  exists(...keys: RedisKey[]): Promise<number> {
    return this.sendCommand('EXISTS', keys);
  }

  /** DEL: how many keys were removed (a re-sent DEL counts only the second send). Idempotent. */
  del(...keys: RedisKey[]): Promise<number> {
    return this.sendCommand('DEL', keys);
  }

  /** UNLINK: DEL that frees memory in the background. Idempotent. */
  unlink(...keys: RedisKey[]): Promise<number> {
    return this.sendCommand('UNLINK', keys);
  }

  /** EXPIRE key seconds [NX|XX|GT|LT]: 1 when the timeout was set. Idempotent. */
  expire(
    key: RedisKey,
    seconds: number,
    ...condition: ('NX' | 'XX' | 'GT' | 'LT')[]
  ): Promise<number> {
    return this.sendCommand('EXPIRE', [key, seconds, ...condition]);
  }

  /** PEXPIRE key milliseconds: 1 when the timeout was set. Idempotent. */
  pexpire(
    key: RedisKey,
    milliseconds: number,
    ...condition: ('NX' | 'XX' | 'GT' | 'LT')[]
  ): Promise<number> {
    return this.sendCommand('PEXPIRE', [key, milliseconds, ...condition]);
  }

  /** PERSIST: 1 when a timeout was removed. Idempotent. */
  persist(key: RedisKey): Promise<number> {
    return this.sendCommand('PERSIST', [key]);
  }

  /** TTL in seconds (-1 no expiry, -2 no key). Read. */
  ttl(key: RedisKey): Promise<number> {
    return this.sendCommand('TTL', [key]);
  }

  /** PTTL in milliseconds. Read. */
  pttl(key: RedisKey): Promise<number> {
    return this.sendCommand('PTTL', [key]);
  }

  /** TYPE: `string`, `list`, `hash`, ..., or `none`. Read. */
  type(key: RedisKey): Promise<string> {
    return this.sendCommand('TYPE', [key]);
  }

  /** SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]: `[nextCursor, keys]`. Read. */
  scan(cursor: string | number, ...options: RedisArgument[]): Promise<[string, string[]]> {
    return this.sendCommand('SCAN', [cursor, ...options]);
  }

  // Strings.

  /** GET: the value, or null. Read. */
  get(key: RedisKey): Promise<string | null> {
    return this.sendCommand('GET', [key]);
  }

  /** MGET: the values (null where missing). Read. */
  mget(...keys: RedisKey[]): Promise<(string | null)[]> {
    return this.sendCommand('MGET', keys);
  }

  /** STRLEN. Read. */
  strlen(key: RedisKey): Promise<number> {
    return this.sendCommand('STRLEN', [key]);
  }

  /**
   * SET key value [EX s | PX ms | ...] [NX | XX] [GET]: `'OK'`, null when NX/XX refused, the old
   * value with GET. Idempotent, except with GET or NX (unsafe: their reply is the point).
   */
  set(key: RedisKey, value: RedisArgument, ...options: RedisArgument[]): Promise<string | null> {
    return this.sendCommand('SET', [key, value, ...options]);
  }

  /** MSET from pairs or a map: `'OK'`. Idempotent. */
  mset(map: RedisFieldMap): Promise<'OK'> {
    return this.sendCommandWith('MSET', [], (redis) =>
      redis.mset(map as Record<string, RedisArgument>),
    );
  }

  /** INCR: the new value. Unsafe. */
  incr(key: RedisKey): Promise<number> {
    return this.sendCommand('INCR', [key]);
  }

  /** INCRBY. Unsafe. */
  incrby(key: RedisKey, increment: number | string): Promise<number> {
    return this.sendCommand('INCRBY', [key, increment]);
  }

  /** INCRBYFLOAT: the new value as a string. Unsafe. */
  incrbyfloat(key: RedisKey, increment: number | string): Promise<string> {
    return this.sendCommand('INCRBYFLOAT', [key, increment]);
  }

  /** DECR. Unsafe. */
  decr(key: RedisKey): Promise<number> {
    return this.sendCommand('DECR', [key]);
  }

  /** DECRBY. Unsafe. */
  decrby(key: RedisKey, decrement: number | string): Promise<number> {
    return this.sendCommand('DECRBY', [key, decrement]);
  }

  /** APPEND: the new length. Unsafe. */
  append(key: RedisKey, value: RedisArgument): Promise<number> {
    return this.sendCommand('APPEND', [key, value]);
  }

  /** GETDEL: the value, then the key is gone. Unsafe. */
  getdel(key: RedisKey): Promise<string | null> {
    return this.sendCommand('GETDEL', [key]);
  }

  // Hashes.

  /** HGET. Read. */
  hget(key: RedisKey, field: RedisArgument): Promise<string | null> {
    return this.sendCommand('HGET', [key, field]);
  }

  /** HMGET. Read. */
  hmget(key: RedisKey, ...fields: RedisArgument[]): Promise<(string | null)[]> {
    return this.sendCommand('HMGET', [key, ...fields]);
  }

  /** HGETALL: the hash as an object (`{}` for a missing key). Read. */
  hgetall(key: RedisKey): Promise<Record<string, string>> {
    return this.sendCommand('HGETALL', [key]);
  }

  /** HSET key {field: value, ...}: how many fields were added. Idempotent. */
  hset(key: RedisKey, fields: RedisFieldMap): Promise<number> {
    return this.sendCommandWith('HSET', [key], (redis) =>
      redis.hset(key, fields as Record<string, RedisArgument>),
    );
  }

  /** HDEL: how many fields were removed. Idempotent. */
  hdel(key: RedisKey, ...fields: RedisArgument[]): Promise<number> {
    return this.sendCommand('HDEL', [key, ...fields]);
  }

  /** HINCRBY: the new value. Unsafe. */
  hincrby(key: RedisKey, field: RedisArgument, increment: number | string): Promise<number> {
    return this.sendCommand('HINCRBY', [key, field, increment]);
  }

  // Sets.

  /** SADD: how many members were added. Idempotent. */
  sadd(key: RedisKey, ...members: RedisArgument[]): Promise<number> {
    return this.sendCommand('SADD', [key, ...members]);
  }

  /** SREM: how many members were removed. Idempotent. */
  srem(key: RedisKey, ...members: RedisArgument[]): Promise<number> {
    return this.sendCommand('SREM', [key, ...members]);
  }

  /** SMEMBERS. Read. */
  smembers(key: RedisKey): Promise<string[]> {
    return this.sendCommand('SMEMBERS', [key]);
  }

  /** SISMEMBER: 1 or 0. Read. */
  sismember(key: RedisKey, member: RedisArgument): Promise<number> {
    return this.sendCommand('SISMEMBER', [key, member]);
  }

  /** SCARD. Read. */
  scard(key: RedisKey): Promise<number> {
    return this.sendCommand('SCARD', [key]);
  }

  /** SPOP [count]: removes and returns random members. Unsafe. */
  spop(key: RedisKey): Promise<string | null> {
    return this.sendCommand('SPOP', [key]);
  }

  // Sorted sets.

  /** ZADD key [NX|XX] [GT|LT] [CH] score member ...: added count. Idempotent, unsafe with INCR. */
  zadd(key: RedisKey, ...scoresAndMembers: RedisArgument[]): Promise<number | string | null> {
    return this.sendCommand('ZADD', [key, ...scoresAndMembers]);
  }

  /** ZREM: how many members were removed. Idempotent. */
  zrem(key: RedisKey, ...members: RedisArgument[]): Promise<number> {
    return this.sendCommand('ZREM', [key, ...members]);
  }

  /** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT o c] [WITHSCORES]. Read. */
  zrange(
    key: RedisKey,
    start: RedisArgument,
    stop: RedisArgument,
    ...options: RedisArgument[]
  ): Promise<string[]> {
    return this.sendCommand('ZRANGE', [key, start, stop, ...options]);
  }

  /** ZSCORE: the score as a string, or null. Read. */
  zscore(key: RedisKey, member: RedisArgument): Promise<string | null> {
    return this.sendCommand('ZSCORE', [key, member]);
  }

  /** ZINCRBY: the new score. Unsafe. */
  zincrby(key: RedisKey, increment: number | string, member: RedisArgument): Promise<string> {
    return this.sendCommand('ZINCRBY', [key, increment, member]);
  }

  // Lists.

  /** LPUSH: the new length. Unsafe. */
  lpush(key: RedisKey, ...elements: RedisArgument[]): Promise<number> {
    return this.sendCommand('LPUSH', [key, ...elements]);
  }

  /** RPUSH: the new length. Unsafe. */
  rpush(key: RedisKey, ...elements: RedisArgument[]): Promise<number> {
    return this.sendCommand('RPUSH', [key, ...elements]);
  }

  /** LPOP. Unsafe. */
  lpop(key: RedisKey): Promise<string | null> {
    return this.sendCommand('LPOP', [key]);
  }

  /** RPOP. Unsafe. */
  rpop(key: RedisKey): Promise<string | null> {
    return this.sendCommand('RPOP', [key]);
  }

  /** LRANGE. Read. */
  lrange(key: RedisKey, start: number, stop: number): Promise<string[]> {
    return this.sendCommand('LRANGE', [key, start, stop]);
  }

  /** LLEN. Read. */
  llen(key: RedisKey): Promise<number> {
    return this.sendCommand('LLEN', [key]);
  }

  // Streams, pub/sub, scripts.

  /** XADD key [options] <id|*> field value ...: the entry id. Unsafe with `*`, else idempotent. */
  xadd(key: RedisKey, ...idAndFields: RedisArgument[]): Promise<string | null> {
    return this.sendCommand('XADD', [key, ...idAndFields]);
  }

  /** PUBLISH: how many subscribers got it. Unsafe (a re-send delivers twice). */
  publish(channel: RedisArgument, message: RedisArgument): Promise<number> {
    return this.sendCommand('PUBLISH', [channel, message]);
  }

  /**
   * EVAL script numkeys key ... arg ...: unsafe; for a script you know to be idempotent use
   * `client.command('EVAL', [...], { idempotent: true })`.
   */
  eval(script: string, numkeys: number, ...keysAndArgs: RedisArgument[]): Promise<unknown> {
    return this.sendCommand('EVAL', [script, numkeys, ...keysAndArgs]);
  }

  /** EVALSHA sha numkeys key ... arg ...: unsafe, as EVAL. */
  evalsha(sha: string, numkeys: number, ...keysAndArgs: RedisArgument[]): Promise<unknown> {
    return this.sendCommand('EVALSHA', [sha, numkeys, ...keysAndArgs]);
  }
}
