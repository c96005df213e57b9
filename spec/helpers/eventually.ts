// Real-time polling for integration specs that wait on another process's (or client's) view.

/** Polls every `pollMs` (real time) until `check` holds; returns the ms it took, or throws. */
export async function eventually(
  check: () => boolean,
  timeoutMs = 2000,
  pollMs = 1,
): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return Date.now() - started;
}
