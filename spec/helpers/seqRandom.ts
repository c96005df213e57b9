import type { Random } from '../../src/internal/Random.js';

/** A scripted random source: returns the values in order, then repeats the last one. */
export function seqRandom(values: readonly number[]): Random {
  let index = 0;
  return () => {
    const value = values[Math.min(index, values.length - 1)] ?? 0.5;
    index += 1;
    return value;
  };
}
