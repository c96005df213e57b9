import type { Random } from '../../internal/Random.js';
import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/**
 * Cuts `[start, end)` the way Toxiproxy's slicer does: halve around a random midpoint until
 * each piece is within `variation` of `average`. Returns the cut offsets, end included.
 */
export function sliceOffsets(
  start: number,
  end: number,
  average: number,
  variation: number,
  random: Random,
): number[] {
  if (end - start - average <= variation || end - start < 2) return [end];
  const shift = variation > 0 ? Math.floor(random() * 2 * variation) - variation : 0;
  const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + shift));
  return [
    ...sliceOffsets(start, mid, average, variation, random),
    ...sliceOffsets(mid, end, average, variation, random),
  ];
}

/**
 * Slices each chunk into pieces of about `average_size` +/- `size_variation` bytes, waiting
 * `delay` microseconds (Toxiproxy's unit; timers round to whole milliseconds) after each.
 * Removed mid-chunk, it passes the rest on in one piece.
 */
export const slicerToxic: ToxicFactory<ToxicAttributes['slicer']> = (
  { average_size: average, size_variation: variation = 0, delay = 0 },
  context,
  signal,
) => ({
  async transform(chunk, emit) {
    let from = 0;
    for (const to of sliceOffsets(0, chunk.data.length, average, variation, context.random)) {
      if (signal.aborted) break;
      await emit({ data: chunk.data.subarray(from, to), arrivedAt: chunk.arrivedAt });
      from = to;
      if (delay > 0) await context.wait(delay / 1000, signal);
    }
    if (from < chunk.data.length) {
      await emit({ data: chunk.data.subarray(from), arrivedAt: chunk.arrivedAt });
    }
  },
});
