import { Observable } from 'rxjs';
import { markUnsent } from '../classify/unsent.js';
import type { Clock } from '../internal/Clock.js';
import { ConnectTimeoutError } from '../errors/ConnectTimeoutError.js';

/** What one connect attempt needs. */
export interface OpenConnectionParams<C> {
  readonly target: string;
  readonly connect: (signal: AbortSignal) => Promise<C>;
  readonly verify: ((connection: C, signal: AbortSignal) => Promise<unknown>) | undefined;
  /** Closes a connection nobody will use (failed verify, late arrival). Never throws. */
  readonly dispose: (connection: C) => void;
  /** connect + verify must finish within this many ms. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** The abort reason given to `connect` when the attempt is unsubscribed (close, reconnect). */
  readonly cancelReason: () => Error;
}

/**
 * One connect attempt as a cold observable: each subscription calls `connect(signal)`, then
 * `verify`, and emits the connection once. The signal aborts on timeout and on unsubscribe.
 *
 * Generation guard: a connection that arrives after the attempt ended (it timed out, or was
 * unsubscribed by `close()` or a new cycle) is disposed, never emitted; so is one whose verify
 * failed. Nothing the attempt opened is left behind.
 */
export function openConnection<C>(params: OpenConnectionParams<C>): Observable<C> {
  return new Observable<C>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      params.clock.clearTimeout(timeout);
      return true;
    };
    const timeout = params.clock.setTimeout(() => {
      if (!settle()) return;
      const error = markUnsent(new ConnectTimeoutError(params.target, params.timeoutMs));
      controller.abort(error);
      subscriber.error(error);
    }, params.timeoutMs);

    connectAndVerify(params, controller.signal).then(
      (connection) => {
        if (!settle()) {
          params.dispose(connection);
          return;
        }
        subscriber.next(connection);
        subscriber.complete();
      },
      (error: unknown) => {
        if (settle()) subscriber.error(error);
      },
    );

    return () => {
      if (settle()) controller.abort(params.cancelReason());
    };
  });
}

async function connectAndVerify<C>(
  params: OpenConnectionParams<C>,
  signal: AbortSignal,
): Promise<C> {
  const connection = await params.connect(signal);
  if (params.verify !== undefined) {
    try {
      await params.verify(connection, signal);
    } catch (error) {
      params.dispose(connection);
      throw error;
    }
  }
  return connection;
}
