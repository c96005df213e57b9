import { safeInvoke } from '../internal/safeInvoke.js';
import type { Logger } from '../telemetry/Logger.js';
import { describeError } from '../telemetry/redact.js';
import { type LostConnection, lostConnectionError } from './lostConnectionError.js';
import type { RedisConnectionError } from './RedisConnectionError.js';

/**
 * What went wrong on one client's connection: the last `error` event of ioredis (the reason of a
 * failed connect, the `cause` of what a lost connection fails) and whether the watchdog timed
 * the connection out. Each ioredis error is logged at debug, redacted.
 */
export class ConnectionErrors implements LostConnection {
  /** The last `error` event since the current connect attempt began. */
  cause: unknown;
  /** The watchdog dropped the connection: no reply within `commandTimeoutMs`. */
  timedOut = false;
  readonly #logger: Logger | undefined;

  constructor(
    readonly targetName: string,
    readonly commandTimeoutMs: number,
    logger: Logger | undefined,
  ) {
    this.#logger = logger;
  }

  /** An `error` event of ioredis. */
  note(error: unknown): void {
    this.cause = error;
    const logger = this.#logger;
    if (logger?.debug === undefined) return;
    safeInvoke(() =>
      logger.debug?.(`ioredis error on ${this.targetName}: ${describeError(error)}`, {
        target: this.targetName,
      }),
    );
  }

  /** The error of `command` (upper case, or `connection` for the link) lost with the connection. */
  lost(command: string): RedisConnectionError {
    return lostConnectionError(this, command);
  }
}
