import { type Socket, connect } from 'node:net';
import { nobodyListening } from '../classify/nobodyListening.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import type { ProbeAddress } from './ProbeAddress.js';
import type { ProbeResult } from './ProbeResult.js';

/** One probe: resolves with what it found; an abort ends it at once (`failed`, the reason). */
export type Probe = (address: ProbeAddress, signal: AbortSignal) => Promise<ProbeResult>;

/** A probe that has not connected within this long has met something other than a closed port. */
export const probeTimeoutMs = 1000;

/**
 * Opens a TCP connection (or a unix socket connection) to `address` and closes it the moment it
 * connects, without reading or writing a byte: the cheapest question "does anything listen
 * there?". The socket is destroyed on every path (connect, error, timeout, abort), and its
 * timer cleared, before the promise settles. Never rejects.
 *
 * A probe that connects reaches the server's accept loop: MariaDB counts it as a handshake
 * error of the client's host (`max_connect_errors`); the connect loop attempts a real login
 * right after it, which resets that count (docs/decisions/0017-probe-and-call-wait-limit.md).
 *
 * @example
 * const found = await tcpProbe({ host: '127.0.0.1', port: 3306 }, AbortSignal.timeout(1000));
 * found.outcome; // 'listening' | 'refused' | 'failed'
 */
export function tcpProbe(
  address: ProbeAddress,
  signal: AbortSignal,
  clock: Clock = systemClock,
): Promise<ProbeResult> {
  if (signal.aborted)
    return Promise.resolve({ outcome: 'failed', error: signal.reason as unknown });
  return new Promise<ProbeResult>((resolve) => {
    let socket: Socket | undefined;
    const finish = (result: ProbeResult): void => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket?.removeAllListeners();
      // Errors after the end (a late RST) must not become unhandled 'error' events.
      socket?.on('error', ignore);
      socket?.destroy();
      resolve(result);
    };
    const onAbort = (): void => {
      finish({ outcome: 'failed', error: signal.reason as unknown });
    };
    const timer = clock.setTimeout(() => {
      finish({ outcome: 'failed', error: timeoutError(probeTimeoutMs) });
    }, probeTimeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      socket =
        'path' in address
          ? connect({ path: address.path })
          : connect({
              host: address.host,
              port: address.port,
              ...(address.localAddress !== undefined && { localAddress: address.localAddress }),
            });
    } catch (error) {
      finish({ outcome: 'failed', error });
      return;
    }
    socket.once('connect', () => {
      finish({ outcome: 'listening' });
    });
    socket.once('error', (error: Error) => {
      finish(nobodyListening(error) ? { outcome: 'refused', error } : { outcome: 'failed', error });
    });
  });
}

function ignore(): void {
  // A destroyed probe socket's late error has nobody to tell.
}

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`The probe did not connect within ${ms} ms.`), {
    code: 'ETIMEDOUT',
  });
}
