import type { PoolConnection } from 'mysql2';
import { abortReason } from '../internal/sleep.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import { adviseOnAccessDenied } from './adviseOnAccessDenied.js';
import type { BaseCheckout, CheckoutCallback } from './CheckoutCallback.js';

/** What a probe needs of its pool's runtime (a `PoolRuntime` is one). */
export interface ProbeHost {
  readonly config: { readonly target: TargetDescription };
  readonly baseCheckout: BaseCheckout;
  readonly ungated: Set<CheckoutCallback>;
  readonly probes: Set<CheckoutCallback>;
  readonly fresh: WeakSet<PoolConnection>;
}

/**
 * One attempt of the pool's reconnect loop: a connection from mysql2's pool (a new one when
 * none is free, so the attempt is a real handshake), pinged unless it was just opened, then given
 * back for the first caller. Resolves the target description; rejects with the connect error
 * (an access denial carries the advice on which options to check).
 */
export function probeConnection(
  runtime: ProbeHost,
  signal: AbortSignal,
): Promise<TargetDescription> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let held: PoolConnection | undefined;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(runtime.config.target);
      else reject(error instanceof Error ? error : new Error('the probe failed'));
    };
    const onAbort = (): void => {
      // A ping that never answers (a frozen server): the connection is torn down.
      held?.destroy();
      finish(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const callback: CheckoutCallback = (error, connection) => {
      runtime.ungated.delete(callback);
      runtime.probes.delete(callback);
      if (settled) {
        if (!error) connection.release();
        return;
      }
      if (error) {
        finish(adviseOnAccessDenied(error));
        return;
      }
      if (runtime.fresh.delete(connection)) {
        connection.release();
        finish(undefined);
        return;
      }
      held = connection;
      connection.ping((pingError) => {
        held = undefined;
        if (settled) return;
        if (pingError) connection.destroy();
        else connection.release();
        finish(pingError ?? undefined);
      });
    };
    runtime.ungated.add(callback);
    runtime.probes.add(callback);
    runtime.baseCheckout(callback);
  });
}
