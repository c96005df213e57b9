/**
 * The Redis flavour's check of a new client: calls its `ping()` (ioredis, node-redis and the
 * reference design's client all have one), without importing a driver.
 *
 * @throws {TypeError} the object has no `ping()` method (a programming error: not retried)
 */
export async function pingClient(client: unknown): Promise<unknown> {
  const ping: unknown =
    typeof client === 'object' && client !== null
      ? (client as Record<string, unknown>).ping
      : undefined;
  if (typeof ping !== 'function') {
    throw new TypeError(
      'RedisConnectionRetry.connectWithRetry: the client returned by connectFn has no ping() method; return a Redis client (e.g. new Redis(...)).',
    );
  }
  return await (ping as () => unknown).call(client);
}
