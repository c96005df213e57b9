import { enableInstantWaits } from '../internal/instantMode.js';

/**
 * Testing mode for code that uses holdfast: every backoff wait (retry delays, the reconnect
 * loop's timers) becomes zero, while attempts are still made, counted, classified and
 * reported, and `maxRetries` still ends the loop. Process-wide; calls nest (waits come back
 * when every returned function has been called). Timeouts that bound an attempt
 * (`connectTimeoutMs`, query timeouts) are not waits and are unchanged.
 *
 * @returns a function that restores real waits (calling it twice is harmless).
 * @example
 * let restore: () => void;
 * beforeEach(() => { restore = instantRetries(); });
 * afterEach(() => restore());
 */
export function instantRetries(): () => void {
  return enableInstantWaits();
}
