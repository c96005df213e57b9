import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/**
 * Blackhole: drops every chunk; after `timeout` ms closes the connection (0 = keeps it open,
 * silent, until the toxic is removed). The timer starts when the toxic reaches the
 * connection (when added, or when the connection opens).
 */
export const timeoutToxic: ToxicFactory<ToxicAttributes['timeout']> = (
  { timeout = 0 },
  context,
) => {
  const handle =
    timeout > 0
      ? context.clock.setTimeout(() => {
          context.close();
        }, timeout)
      : undefined;
  return {
    async transform() {
      // Dropped on the floor, as Toxiproxy does.
    },
    dispose() {
      if (handle !== undefined) context.clock.clearTimeout(handle);
    },
  };
};
