import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/**
 * Releases each chunk `latency` +/- `jitter` ms after it arrived (Toxiproxy's latency: the
 * delay counts from arrival, so back-to-back chunks are not delayed cumulatively). A chunk
 * waiting when the toxic is removed is passed on at once: no data is dropped.
 */
export const latencyToxic: ToxicFactory<ToxicAttributes['latency']> = (
  { latency, jitter = 0 },
  context,
  signal,
) => ({
  async transform(chunk, emit) {
    const offset = jitter > 0 ? Math.floor(context.random() * 2 * jitter) - jitter : 0;
    const due = chunk.arrivedAt + Math.max(0, latency + offset);
    await context.wait(due - context.clock.now(), signal);
    await emit(chunk);
  },
});
