import { assertNever } from '../../internal/assertNever.js';
import { bandwidthToxic } from './bandwidthToxic.js';
import { latencyToxic } from './latencyToxic.js';
import { limitDataToxic } from './limitDataToxic.js';
import { resetPeerToxic } from './resetPeerToxic.js';
import { slicerToxic } from './slicerToxic.js';
import { slowCloseToxic } from './slowCloseToxic.js';
import { timeoutToxic } from './timeoutToxic.js';
import type { LinkContext, ToxicInstance } from './ToxicInstance.js';
import type { ToxicAttributes, ToxicDescription } from './ToxicOptions.js';

/**
 * Builds the instance of a validated toxic for one link; undefined for `down`, which acts on
 * the proxy's listener rather than on links.
 */
export function createToxicInstance(
  toxic: ToxicDescription,
  context: LinkContext,
  signal: AbortSignal,
): ToxicInstance | undefined {
  // validateToxic filled every attribute of the type, so these casts only name them.
  const a = toxic.attributes;
  switch (toxic.type) {
    case 'down':
      return undefined;
    case 'latency':
      return latencyToxic(a as unknown as ToxicAttributes['latency'], context, signal);
    case 'timeout':
      return timeoutToxic(a, context, signal);
    case 'reset_peer':
      return resetPeerToxic(a, context, signal);
    case 'slicer':
      return slicerToxic(a as unknown as ToxicAttributes['slicer'], context, signal);
    case 'limit_data':
      return limitDataToxic(a as unknown as ToxicAttributes['limit_data'], context, signal);
    case 'bandwidth':
      return bandwidthToxic(a as unknown as ToxicAttributes['bandwidth'], context, signal);
    case 'slow_close':
      return slowCloseToxic(a as unknown as ToxicAttributes['slow_close'], context, signal);
    default:
      return assertNever(toxic.type);
  }
}
