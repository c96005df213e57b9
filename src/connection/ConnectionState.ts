/**
 * The life of one connection as data (DESIGN.md "Connection state"). Each state carries its own
 * data; `retrying` is "waiting `delayMs` before retry n".
 */
export type ConnectionState<C> =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | {
      readonly status: 'retrying';
      readonly retry: number;
      readonly delayMs: number;
      readonly error: Error;
      /**
       * Present when nobody listened at the target (connection refused, no socket): its port is
       * probed during the wait, which ends as soon as a probe connects.
       */
      readonly probing?: true;
    }
  | { readonly status: 'connected'; readonly connection: C; readonly attempt: number }
  | { readonly status: 'failed'; readonly error: Error }
  | { readonly status: 'closed' };

export type ConnectionStatus = ConnectionState<unknown>['status'];

/**
 * Every allowed transition. A status without a row does not compile; `transition()` refuses
 * any move not listed.
 */
export const connectionTransitions = {
  idle: ['connecting', 'closed'],
  connecting: ['connected', 'retrying', 'failed', 'closed'],
  retrying: ['connecting', 'closed'],
  connected: ['connecting', 'closed'],
  failed: ['connecting', 'closed'],
  closed: [],
} as const satisfies Record<ConnectionStatus, readonly ConnectionStatus[]>;

export function isAllowedTransition(from: ConnectionStatus, to: ConnectionStatus): boolean {
  return (connectionTransitions[from] as readonly ConnectionStatus[]).includes(to);
}
