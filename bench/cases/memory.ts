// 10,000 connect/fail cycles of one ConnectionManager with an instant fake connector: the heap
// after garbage collection must not grow, and close() must leave no handle behind.
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { instantRetries } from '../../src/testing/instantRetries.js';
import { type CaseReport, type TargetCheck, formatNumber, table } from '../harness.js';
import { activeResources, leftOver, settledHeap } from '../support/heap.js';

interface FakeConnection {
  readonly id: number;
}

class Refused extends Error {
  override readonly name = 'Refused';
  readonly code = 'ECONNREFUSED';
}

const MB = 1024 * 1024;

export async function memory(quick: boolean): Promise<CaseReport> {
  const cycles = quick ? 500 : 10_000;
  const warmup = quick ? 100 : 1_000;
  const handlesBefore = activeResources();
  const restore = instantRetries();
  let attempts = 0;
  let states = 0;
  const manager = new ConnectionManager<FakeConnection>({
    name: 'memory-fake',
    // Every odd attempt is refused: each cycle is a failed attempt, a retry, a connect, a loss.
    connect: async () => {
      attempts += 1;
      if (attempts % 2 === 1) throw new Refused('connect ECONNREFUSED 127.0.0.1:1');
      return { id: attempts };
    },
    disconnect: () => undefined,
    retry: { maxRetries: 3 },
  });
  // A subscriber, as an application would have: every state is published.
  const subscription = manager.state$.subscribe(() => {
    states += 1;
  });
  let refusedCycles = 0;
  const cycle = async (): Promise<void> => {
    try {
      const connection = await manager.ready();
      manager.connectionLost(connection, new Refused('connection lost'));
    } catch {
      // A default retry budget may refuse the retry: the cycle ends `failed`, the next ready()
      // starts a new one. Still a connect/fail cycle.
      refusedCycles += 1;
    }
  };
  let heapBefore = 0;
  let heapAfter = 0;
  let elapsedMs = 0;
  try {
    for (let i = 0; i < warmup; i++) await cycle();
    heapBefore = await settledHeap();
    const start = performance.now();
    for (let i = 0; i < cycles; i++) await cycle();
    elapsedMs = performance.now() - start;
    heapAfter = await settledHeap();
  } finally {
    restore();
    subscription.unsubscribe();
    await manager.close();
  }
  await new Promise((resolve) => setImmediate(resolve));
  const left = leftOver(handlesBefore, activeResources());
  const deltaBytes = heapAfter - heapBefore;
  const markdown = table(
    [
      'cycles',
      'connect attempts',
      'states published',
      'cycles ended by a refused retry',
      'heap before (MB)',
      'heap after (MB)',
      'delta (KB)',
      'µs per cycle',
      'handles left after close()',
    ],
    [
      [
        formatNumber(cycles),
        formatNumber(attempts),
        formatNumber(states),
        formatNumber(refusedCycles),
        (heapBefore / MB).toFixed(2),
        (heapAfter / MB).toFixed(2),
        (deltaBytes / 1024).toFixed(1),
        ((elapsedMs * 1000) / cycles).toFixed(1),
        left.length === 0 ? 'none' : left.join(', '),
      ],
    ],
  );
  const targets: TargetCheck[] = [
    {
      target: `${formatNumber(cycles)} connect/fail cycles: heap within 1 MB after gc`,
      measured: `${(deltaBytes / 1024).toFixed(1)} KB`,
      met: deltaBytes <= MB,
    },
    {
      target: 'no handle left after close()',
      measured: left.length === 0 ? 'none' : left.join(', '),
      met: left.length === 0,
    },
  ];
  return {
    id: 'memory',
    title: 'Memory over connect/fail cycles',
    description: `One ConnectionManager with an instant fake connector whose odd attempts are refused, under \`instantRetries()\`, with a \`state$\` subscriber. A cycle is \`ready()\` (a refused attempt, an immediate retry, a connection) then \`connectionLost()\`. Heap measured after full GCs, after ${formatNumber(warmup)} warm-up cycles and after ${formatNumber(cycles)} more; active handles compared with before the manager existed.`,
    markdown,
    rows: 1,
    targets,
  };
}
