import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/**
 * Limits throughput to `rate` KB/s (1 KB = 1000 bytes, so `rate` bytes per ms): a chunk is
 * passed on in pieces worth 100 ms each, every piece after the time it costs at that rate.
 * `rate` 0 means unlimited, as in Toxiproxy.
 */
export const bandwidthToxic: ToxicFactory<ToxicAttributes['bandwidth']> = (
  { rate },
  context,
  signal,
) => ({
  async transform(chunk, emit) {
    if (rate <= 0) {
      await emit(chunk);
      return;
    }
    const piece = Math.max(1, rate * 100);
    for (let from = 0; from < chunk.data.length; from += piece) {
      const data = chunk.data.subarray(from, from + piece);
      await context.wait(data.length / rate, signal);
      await emit({ data, arrivedAt: chunk.arrivedAt });
    }
  },
});
