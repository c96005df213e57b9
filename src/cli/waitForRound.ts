import { isHoldfastError } from '../errors/HoldfastError.js';
import type { CliTarget } from './CliTarget.js';

/** The shortest pause between two rounds of retries, ms: a policy of 0 s never spins. */
export const minRoundPauseMs = 100;

/**
 * True when `ready()` gave up because the round of retries was used up (the last error was
 * worth retrying): the CLI may start another round. Any other error was not worth retrying
 * (wrong password, unknown host, ...) and is final.
 */
export function isRoundUsedUp(error: unknown): boolean {
  return isHoldfastError(error) && error.code === 'ERR_HOLDFAST_RETRIES_EXHAUSTED';
}

/** The pause before a new round: the policy's base delay (the next round starts afresh). */
export function roundPauseMs(target: CliTarget): number {
  return Math.max(minRoundPauseMs, target.policy.baseDelayMs);
}
