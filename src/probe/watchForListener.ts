import { Observable } from 'rxjs';
import type { Clock, TimerHandle } from '../internal/Clock.js';
import type { ProbeAddress } from './ProbeAddress.js';
import type { ProbeResult } from './ProbeResult.js';
import type { Probe } from './tcpProbe.js';

/** Probes at most this often by default, ms. */
export const defaultProbeIntervalMs = 100;

export interface WatchForListenerOptions {
  /** One probe (`tcpProbe` bound to a clock; specs pass a scripted one). */
  readonly probe: Probe;
  /** Reads time and runs the pauses between probes (the manager's clock). */
  readonly clock: Clock;
  /** The least time from one probe's start to the next one's, ms. @default 100 */
  readonly intervalMs?: number;
}

/** One probe's result and its number in the watch (1 for the first). */
export type ProbeReport = ProbeResult & { readonly probe: number };

/**
 * Probes `address` until something listens there: the first probe `intervalMs` after
 * subscription, then one at a time, each starting `intervalMs` after the one before began (or
 * when it ended, if it took longer). Emits every result; completes after a `listening` one
 * (the port is back) or a `failed` one (not a closed port: a timeout, an unreachable network,
 * which a probe must not keep hitting). Unsubscribing aborts the probe in flight and clears
 * the pause: no timer or socket is left behind.
 *
 * @example
 * race(timer(backoffMs), watchForListener(address, { probe, clock: systemClock }).pipe(
 *   filter((report) => report.outcome === 'listening'),
 * ));
 */
export function watchForListener(
  address: ProbeAddress,
  options: WatchForListenerOptions,
): Observable<ProbeReport> {
  const { probe, clock, intervalMs = defaultProbeIntervalMs } = options;
  return new Observable<ProbeReport>((subscriber) => {
    let pause: TimerHandle;
    let pausing = false;
    let inFlight: AbortController | undefined;
    let count = 0;
    const next = (delay: number): void => {
      // Called from a settled probe (never from `run` itself): running at once cannot recurse.
      if (delay <= 0) {
        run();
        return;
      }
      pausing = true;
      pause = clock.setTimeout(run, delay);
    };
    const run = (): void => {
      pausing = false;
      const startedAt = clock.now();
      const controller = new AbortController();
      inFlight = controller;
      const number = (count += 1);
      const settle = (result: ProbeResult): void => {
        if (controller.signal.aborted) return;
        inFlight = undefined;
        subscriber.next({ ...result, probe: number });
        if (result.outcome === 'refused') next(startedAt + intervalMs - clock.now());
        else subscriber.complete();
      };
      const failed = (error: unknown): void => {
        settle({ outcome: 'failed', error });
      };
      try {
        probe(address, controller.signal).then(settle, failed);
      } catch (error) {
        failed(error);
      }
    };
    next(intervalMs);
    return () => {
      if (pausing) clock.clearTimeout(pause);
      pausing = false;
      inFlight?.abort();
      inFlight = undefined;
    };
  });
}
