import { adviseOnAuthFailure } from './adviseOnAuthFailure.js';
import type * as Ioredis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Observable } from 'rxjs';
import type { Clock } from '../internal/Clock.js';
import { requirePeer } from '../internal/requirePeer.js';
import { abortReason } from '../internal/sleep.js';
import type { Logger } from '../telemetry/Logger.js';
import { safeLogger } from '../telemetry/safeLogger.js';
import { fromIoredisError } from './fromIoredisError.js';
import { RedisConnection } from './RedisConnection.js';
import type { ResolvedRedisClientOptions } from './resolveRedisClientOptions.js';

// Loaded, not imported: without ioredis installed, importing holdfast/ioredis says what to do.
const { Redis } = requirePeer('ioredis', 'holdfast/ioredis') as typeof Ioredis;
type Redis = Ioredis.Redis;

/** The ConnectionManager callbacks of a Redis client. */
export interface RedisConnector {
  connect(signal: AbortSignal): Promise<RedisConnection>;
  verify(connection: RedisConnection, signal: AbortSignal): Promise<unknown>;
  disconnect(connection: RedisConnection): Promise<void>;
  lost(connection: RedisConnection): Observable<unknown>;
  /** Converts a command's failure once (the client's operations dispatch without converting). */
  mapError(error: unknown, connection: RedisConnection, description: string): unknown;
}

/**
 * How a client's manager opens, checks, watches and closes connections: each connection is a new
 * ioredis instance (ioredis's own reconnect is off), connected with `connect()`, verified with
 * PING, watched through its status events, closed with QUIT then `disconnect()`; and how it
 * converts what a command failed with (`RedisConnection.convertError`).
 */
export function redisConnector(
  resolved: ResolvedRedisClientOptions,
  clock: Clock,
  logger: Logger | undefined,
  createIoredis: (options: RedisOptions) => Redis = newIoredis,
): RedisConnector {
  const connectionOptions = {
    clock,
    commandTimeoutMs: resolved.commandTimeoutMs,
    healthCheckIntervalMs: resolved.healthCheckIntervalMs,
    quitTimeoutMs: resolved.quitTimeoutMs,
    // Redacted, and a pino logger used with its own argument order, like every other line.
    logger: logger === undefined ? undefined : safeLogger(logger),
    targetName: resolved.targetName,
  };
  return {
    async connect(signal) {
      if (signal.aborted) throw abortReason(signal);
      const connection = new RedisConnection(createIoredis(resolved.ioredis), connectionOptions);
      const onAbort = (): void => {
        connection.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await connection.redis.connect();
      } catch (error) {
        connection.destroy();
        // Read again: the abort may have come while connecting.
        if (isAborted(signal)) throw abortReason(signal);
        // connect() rejects with "Connection is closed." whatever happened; the `error` event
        // before it says what did (ECONNREFUSED, WRONGPASS ...).
        throw adviseOnAuthFailure(connection.lastError ?? fromIoredisError(error, 'connect'));
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      return connection;
    },

    async verify(connection, signal) {
      // NOAUTH here: the server wants a password and none was given.
      const reply = await untilAborted(
        connection.send('PING', (redis) => redis.ping()),
        signal,
      ).catch((error: unknown) => {
        throw adviseOnAuthFailure(error);
      });
      connection.startWatchdog();
      return reply;
    },

    disconnect: (connection) => connection.close(),

    lost: (connection) => connection.lost$(),

    mapError: (error, connection, description) => connection.convertError(error, description),
  };
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** A real ioredis instance (unit specs pass a fake instead). */
function newIoredis(options: RedisOptions): Redis {
  // ioredis types `replyMapping` without `| undefined`, which exactOptionalPropertyTypes
  // rejects for an options object typed RedisOptions; the value itself passes through.
  return new Redis(options as RedisOptions & { replyMapping?: 'legacy' });
}

/** `promise`, or the abort's error as soon as `signal` fires (the caller then drops the connection). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as the driver rejected it
        reject(error);
      },
    );
  });
}
