/**
 * The one seam through which holdfast reads time and schedules timers (STYLE.md principle 5).
 * `systemClock` looks the globals up on every call, so `sinon.useFakeTimers()` drives it.
 */
export interface Clock {
  /** Milliseconds since the epoch, with fractions (the system clock's: monotonic, see `systemClock`). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = unknown;

let performanceSource: typeof globalThis.performance | undefined;
let origin = 0;

/**
 * `now()` is monotonic: the process's start time plus the monotonic time since (fractions of a ms kept, so spans get sub-millisecond times), as
 * OpenTelemetry reads time. A wall-clock step (NTP, a VM resumed) moves `Date.now()` but not
 * this, so a deadline, a backoff or a breaker window never ends early or late by the step.
 * Under `sinon.useFakeTimers()` it equals `Date.now()`.
 */
export const systemClock: Clock = {
  now: () => {
    const current = globalThis.performance;
    // The origin is read once per performance object (fake timers install their own).
    if (current !== performanceSource) {
      performanceSource = current;
      origin = current.timeOrigin;
    }
    return origin + current.now();
  },
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};
