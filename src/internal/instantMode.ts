// The switch behind `instantRetries()` (holdfast/testing): when on, every backoff wait is zero.
// Attempts are still counted and classified; only the waiting goes.
let instant = 0;

/** True while at least one `instantRetries()` is in force. */
export function waitsAreInstant(): boolean {
  return instant > 0;
}

/** Turns waits off; returns the function that restores them (idempotent). */
export function enableInstantWaits(): () => void {
  instant += 1;
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    instant -= 1;
  };
}
