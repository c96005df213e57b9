import type { Random } from '../internal/Random.js';

/** How a computed exponential delay is randomised. `proportional` is the reference design's. */
export type JitterMode = 'proportional' | 'none' | 'full' | 'equal' | 'decorrelated';

export const jitterModes: readonly JitterMode[] = [
  'proportional',
  'none',
  'full',
  'equal',
  'decorrelated',
];

/** The reference design's jitter: the delay times a factor drawn uniformly from [0.5, 1.5]. */
export function proportionalJitter(delayMs: number, random: Random): number {
  return delayMs * (0.5 + random());
}

/** AWS "full jitter": uniform in [0, delay). */
export function fullJitter(delayMs: number, random: Random): number {
  return delayMs * random();
}

/** AWS "equal jitter": half the delay fixed, half random. */
export function equalJitter(delayMs: number, random: Random): number {
  return delayMs / 2 + (delayMs / 2) * random();
}

/**
 * AWS "decorrelated jitter": uniform in [base, previous * 3), so each delay depends on the one
 * before rather than on the retry number.
 */
export function decorrelatedJitter(
  baseDelayMs: number,
  previousDelayMs: number,
  random: Random,
): number {
  const upper = Math.max(baseDelayMs, previousDelayMs * 3);
  return baseDelayMs + (upper - baseDelayMs) * random();
}
