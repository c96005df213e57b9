import { type Observable, filter, take, tap } from 'rxjs';
import { nobodyListening } from '../classify/nobodyListening.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import type { Clock } from '../internal/Clock.js';
import { describe, expectFiniteNumber, rejectUnknownKeys } from '../internal/validate.js';
import { type ProbeAddress, probeAddressOf } from '../probe/ProbeAddress.js';
import { type Probe, tcpProbe } from '../probe/tcpProbe.js';
import { defaultProbeIntervalMs, watchForListener } from '../probe/watchForListener.js';
import type { ScheduledRetry } from '../retry/retryWithBackoff.js';
import { errorType } from '../telemetry/errorAttributes.js';
import { holdfastAttributes, spanEventNames } from '../telemetry/names.js';
import { semconvAttributes } from '../telemetry/semconv.js';
import type { ConnectionEvent } from './ConnectionEvent.js';
import type { ConnectionManagerOptions } from './ConnectionManagerOptions.js';

/** What a `ProbeWatch` tells its manager. */
export interface ProbeWatchHost {
  readonly emit: (event: ConnectionEvent<never>) => void;
  /** A span event on the waiting cycle's `connect` operation. */
  readonly spanEvent: (name: string, attributes: Record<string, string | number | boolean>) => void;
}

/**
 * The probing of one manager (its `probe` option): whether a backoff wait is watched, and the
 * watch itself, whose events go to `events$` and the waiting cycle's span.
 */
export class ProbeWatch {
  readonly address: ProbeAddress;
  readonly #clock: Clock;
  readonly #probe: Probe;
  readonly #intervalMs: number;
  readonly #host: ProbeWatchHost;

  private constructor(
    address: ProbeAddress,
    probe: Probe,
    intervalMs: number,
    clock: Clock,
    host: ProbeWatchHost,
  ) {
    this.address = address;
    this.#clock = clock;
    this.#probe = probe;
    this.#intervalMs = intervalMs;
    this.#host = host;
  }

  /**
   * The watch a manager's options ask for: undefined when `probe: false` or when no address is
   * known (neither `probe.address` nor a `target` with address and port or socket path).
   *
   * @throws {ConfigurationError} a malformed `probe` option
   */
  static of(
    options: Pick<ConnectionManagerOptions<unknown>, 'probe' | 'target'>,
    clock: Clock,
    host: ProbeWatchHost,
  ): ProbeWatch | undefined {
    const given: unknown = options.probe;
    if (given === false) return undefined;
    if (given !== undefined && (typeof given !== 'object' || given === null)) {
      throw new ConfigurationError(
        `Expected \`probe\` (${describe(given)}) to be false or an object { address?, intervalMs?, probe? }.`,
        { option: 'probe' },
      );
    }
    const probe = options.probe === false ? undefined : options.probe;
    if (probe !== undefined)
      rejectUnknownKeys(probe, ['address', 'intervalMs', 'probe'], '`probe`');
    const intervalMs =
      probe?.intervalMs === undefined
        ? defaultProbeIntervalMs
        : expectFiniteNumber('probe.intervalMs', probe.intervalMs, 10);
    if (probe?.probe !== undefined && typeof probe.probe !== 'function') {
      throw new ConfigurationError(
        `Expected \`probe.probe\` (${describe(probe.probe)}) to be a function (address, signal) => Promise<ProbeResult>.`,
        { option: 'probe.probe' },
      );
    }
    const address = probe?.address ?? probeAddressOf(options.target);
    if (address === undefined) return undefined;
    const run: Probe = probe?.probe ?? ((at, signal) => tcpProbe(at, signal, clock));
    return new ProbeWatch(address, run, intervalMs, clock, host);
  }

  /** True when the wait before `retry` is probed: the attempt found nobody listening. */
  watches(error: unknown): boolean {
    return nobodyListening(error);
  }

  /**
   * Emits once when a probe connects during the wait before `retry` (then the retry starts at
   * once); undefined when that wait is not probed. Never completes without emitting, so a wait
   * whose probing stopped runs its full delay.
   */
  wake(retry: ScheduledRetry): Observable<unknown> | undefined {
    if (!this.watches(retry.error)) return undefined;
    const host = this.#host;
    return watchForListener(this.address, {
      probe: this.#probe,
      clock: this.#clock,
      intervalMs: this.#intervalMs,
    }).pipe(
      tap((report) => {
        host.emit({
          type: 'probe-result',
          retry: retry.retry,
          probe: report.probe,
          outcome: report.outcome,
          ...(report.outcome !== 'listening' && { error: report.error }),
        });
        if (report.outcome === 'listening') {
          host.spanEvent(spanEventNames.probeListening, {
            [holdfastAttributes.retry]: retry.retry,
            [holdfastAttributes.probeCount]: report.probe,
          });
        } else if (report.outcome === 'failed') {
          host.spanEvent(spanEventNames.probeStopped, {
            [holdfastAttributes.retry]: retry.retry,
            [holdfastAttributes.probeCount]: report.probe,
            [semconvAttributes.errorType]: errorType(report.error),
          });
        }
      }),
      filter((report) => report.outcome === 'listening'),
      take(1),
    );
  }
}
