import type { TimerHandle } from './Clock.js';

/** Lets the process exit while a timer is pending (Node timers have `unref`; fakes may not). */
export function unref(handle: TimerHandle): void {
  (handle as { unref?: () => void } | null | undefined)?.unref?.();
}
