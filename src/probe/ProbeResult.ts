/**
 * What one probe found:
 * - `listening`: the TCP connect (or unix socket connect) succeeded; the probe closed it at once.
 * - `refused`: nobody listens (ECONNREFUSED, or ENOENT for a socket path); probing goes on.
 * - `failed`: anything else (a timeout, an unreachable network): the target is not simply
 *   down, so probing stops and the backoff's wait runs its course.
 */
export type ProbeResult =
  | { readonly outcome: 'listening' }
  | { readonly outcome: 'refused'; readonly error: unknown }
  | { readonly outcome: 'failed'; readonly error: unknown };

export type ProbeOutcome = ProbeResult['outcome'];
