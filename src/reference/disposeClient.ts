/**
 * Closes a connection or client the reference API opened but will not hand out (its PING failed,
 * or it arrived after its attempt timed out), without importing a driver: the first of
 * `destroy()` (mysql2), `disconnect()` (ioredis), `end()` or `close()` that the object has.
 */
export async function disposeClient(client: unknown): Promise<void> {
  if (typeof client !== 'object' || client === null) return;
  const methods = client as Record<string, unknown>;
  for (const name of ['destroy', 'disconnect', 'end', 'close']) {
    const method = methods[name];
    if (typeof method === 'function') {
      await (method as () => unknown).call(client);
      return;
    }
  }
}
