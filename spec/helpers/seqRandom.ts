import type { Random } from '../../src/internal/Random.js';

/**
 * A scripted random source: returns the values in order, then repeats the last one.
 * `seqRandom([0, 0.5, 0.999])` with proportional jitter gives factors 0.5, 1.0 and 1.499.
 *
 * @throws {RangeError} for an empty list or a value outside [0, 1)
 */
export function seqRandom(values: readonly number[]): Random {
  if (values.length === 0) throw new RangeError('seqRandom needs at least one value');
  for (const value of values) {
    if (!(value >= 0 && value < 1))
      throw new RangeError(`seqRandom value ${value} is outside [0, 1)`);
  }
  let index = 0;
  return () => {
    const value = values[Math.min(index, values.length - 1)] ?? 0.5;
    index += 1;
    return value;
  };
}
