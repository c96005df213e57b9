import type { Redis } from 'ioredis';
import type { Clock, TimerHandle } from '../internal/Clock.js';

/**
 * Ends a ready instance for good: QUIT (so that the server frees the client at once) for at most
 * `timeoutMs`, then `drop()` (the socket), then waits for ioredis's `end` for at most `timeoutMs`
 * again, so that the caller resolves once the instance is finished. Never rejects; no timer is
 * left.
 */
export async function quitThenDrop(
  redis: Redis,
  clock: Clock,
  timeoutMs: number,
  drop: () => void,
): Promise<void> {
  let timer: TimerHandle = undefined;
  const within = (): Promise<void> =>
    new Promise<void>((resolve) => {
      clock.clearTimeout(timer);
      timer = clock.setTimeout(resolve, timeoutMs);
    });
  const ended = new Promise<void>((resolve) => {
    redis.once('end', () => {
      resolve();
    });
  });
  await Promise.race([redis.quit().catch(() => undefined), within()]);
  drop();
  await Promise.race([ended, within()]);
  clock.clearTimeout(timer);
}
