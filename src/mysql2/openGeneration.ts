import { type PoolGeneration, retiredGeneration } from './PoolGeneration.js';

/**
 * The ConnectionManager's connect: a new mysql2 pool is good when one of its connections opens
 * and answers a ping (it then stays in the pool, warm). On failure, or when the manager aborts
 * the attempt (timeout, close), the pool is retired: nothing it opened is left behind.
 */
export async function openGeneration(
  generation: PoolGeneration,
  signal: AbortSignal,
): Promise<PoolGeneration> {
  const onAbort = (): void => {
    generation.retire();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const first = await generation.acquire();
    if (first === retiredGeneration) throw signal.reason as Error;
    try {
      await first.ping();
    } catch (error) {
      generation.destroy(first);
      throw error;
    }
    generation.release(first);
    return generation;
  } catch (error) {
    generation.retire();
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
