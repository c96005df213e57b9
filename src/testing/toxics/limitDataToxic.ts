import type { ToxicAttributes } from './ToxicOptions.js';
import type { ToxicFactory } from './ToxicInstance.js';

/** Passes the first `bytes` bytes of this direction, then closes the connection. */
export const limitDataToxic: ToxicFactory<ToxicAttributes['limit_data']> = ({ bytes }, context) => {
  let transmitted = 0;
  return {
    async transform(chunk, emit) {
      const remaining = Math.max(0, bytes - transmitted);
      const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
      if (data.length > 0) {
        transmitted += data.length;
        await emit({ data, arrivedAt: chunk.arrivedAt });
      }
      if (transmitted >= bytes) context.close();
    },
  };
};
