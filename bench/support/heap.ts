// Garbage collection and handle counts for the memory case, without asking for `--expose-gc`
// on the command line: V8 lets a running process switch the flag on and hand out `gc`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

let cached: Gc | undefined;

function collector(): Gc {
  if (cached !== undefined) return cached;
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed !== undefined) return (cached = exposed);
  setFlagsFromString('--expose-gc');
  return (cached = runInNewContext('gc') as Gc);
}

/** One full collection now. */
export function collectGarbage(): void {
  collector()();
}

/** Full collections until the heap stops shrinking; returns heapUsed in bytes. */
export async function settledHeap(): Promise<number> {
  const gc = collector();
  let previous = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    // Let pending promise jobs and immediates finish so that what they hold can be freed.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 1024) return used;
    previous = used;
  }
  return process.memoryUsage().heapUsed;
}

/** Active handles and requests by type (`Timeout`, `TCPSocketWrap`, ...). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** What `after` holds beyond `before`, e.g. `Timeout +1`. Empty when nothing was left. */
export function leftOver(before: Map<string, number>, after: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [type, count] of after) {
    const delta = count - (before.get(type) ?? 0);
    if (delta > 0) extra.push(`${type} +${delta}`);
  }
  return extra;
}
