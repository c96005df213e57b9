import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/**
 * On the first chunk, waits `timeout` ms then resets both sockets (TCP RST, so the peers see
 * ECONNRESET); the chunk is dropped. Removed while waiting, it passes the chunk on.
 */
export const resetPeerToxic: ToxicFactory<ToxicAttributes['reset_peer']> = (
  { timeout = 0 },
  context,
  signal,
) => ({
  async transform(chunk, emit) {
    await context.wait(timeout, signal);
    if (signal.aborted) {
      await emit(chunk);
      return;
    }
    context.reset();
  },
});
