import { type Classification, fatal, transient } from './Classification.js';

/**
 * holdfast's own errors that a retry may follow: its timeouts. Every other holdfast error (a
 * configuration error, an exhausted loop, an open circuit, a close, an abort) is fatal: it is
 * holdfast's own verdict, and retrying it would retry the decision, not the operation.
 */
export const holdfastErrorTable: Readonly<Record<string, Classification>> = {
  // Nothing was sent: always safe to repeat.
  ERR_HOLDFAST_CONNECT_TIMEOUT: transient('holdfast: connect attempt timed out'),
  // The request may have reached the server: the re-send rules decide (idempotent or unsent).
  ERR_HOLDFAST_ATTEMPT_TIMEOUT: transient('holdfast: attempt timed out'),
  // Its connection was destroyed: a read is retried on a new one; a write's outcome is unknown.
  ERR_HOLDFAST_QUERY_TIMEOUT: transient('holdfast: query timed out, connection destroyed'),
};

/** The verdict on a holdfast error with this code. */
export function classifyHoldfastCode(code: string): Classification {
  return holdfastErrorTable[code] ?? fatal(`holdfast: ${code}`);
}
