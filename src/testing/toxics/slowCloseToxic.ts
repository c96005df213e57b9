import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/** When the source side ends, waits `delay` ms before passing the end (FIN) on. */
export const slowCloseToxic: ToxicFactory<ToxicAttributes['slow_close']> = (
  { delay },
  context,
  signal,
) => ({
  async transform(chunk, emit) {
    await emit(chunk);
  },
  async beforeEnd() {
    await context.wait(delay, signal);
  },
});
