// 200 callers waiting for a backend that is down: one shared holdfast ConnectionManager (every
// caller awaits ready()) against a retry per caller (p-retry, cockatiel, holdfast's own
// RetryHandler as a reference), all with the same policy. Attempts are counted where they land.
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import pRetry from 'p-retry';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { type CaseReport, type TargetCheck, formatNumber, median, table } from '../harness.js';
import { CountingServer, connectAndAwaitGreeting } from '../support/CountingServer.js';

const callers = 200;
const maxRetries = 3;
const bucketMs = 50;

interface Contender {
  readonly name: string;
  /**
   * Starts `callers` callers; resolves when every one of them has given up (or succeeded), with
   * the cycles a shared loop ran (undefined for per-caller retries).
   */
  readonly run: (port: number, baseDelayMs: number) => Promise<{ failed: number; cycles?: number }>;
}

async function settleAll(calls: Promise<unknown>[]): Promise<{ failed: number }> {
  const outcomes = await Promise.allSettled(calls);
  return { failed: outcomes.filter((o) => o.status === 'rejected').length };
}

const contenders: readonly Contender[] = [
  {
    name: 'holdfast: one shared ConnectionManager, every caller awaits ready()',
    run: async (port, baseDelayMs) => {
      const manager = new ConnectionManager({
        name: 'herd',
        connect: (signal) => connectAndAwaitGreeting(port, signal),
        disconnect: (socket) => void socket.destroy(),
        retry: { maxRetries, baseDelayMs },
      });
      let cycles = 0;
      manager.state$.subscribe((state) => {
        if (state.status === 'connecting' && state.attempt === 1) cycles += 1;
      });
      try {
        const { failed } = await settleAll(Array.from({ length: callers }, () => manager.ready()));
        return { failed, cycles };
      } finally {
        await manager.close();
      }
    },
  },
  {
    name: 'p-retry per caller',
    run: (port, baseDelayMs) =>
      settleAll(
        Array.from({ length: callers }, () =>
          pRetry(() => connectAndAwaitGreeting(port), {
            retries: maxRetries,
            minTimeout: baseDelayMs,
            factor: 2,
            randomize: true,
          }),
        ),
      ),
  },
  {
    name: 'cockatiel retry per caller',
    run: (port, baseDelayMs) =>
      settleAll(
        Array.from({ length: callers }, () =>
          retry(handleAll, {
            maxAttempts: maxRetries,
            backoff: new ExponentialBackoff({ initialDelay: baseDelayMs }),
          }).execute(() => connectAndAwaitGreeting(port)),
        ),
      ),
  },
  {
    name: 'holdfast RetryHandler per caller (reference: same backoff, nothing shared)',
    run: (port, baseDelayMs) =>
      settleAll(
        Array.from({ length: callers }, () =>
          new RetryHandler({ maxRetries, baseDelayMs }).execute(() =>
            connectAndAwaitGreeting(port),
          ),
        ),
      ),
  },
];

interface Sample {
  readonly attempts: number;
  readonly peak: number;
  readonly elapsedMs: number;
  readonly failed: number;
  readonly cycles: number | undefined;
}

function peakPerBucket(times: readonly number[], start: number): number {
  const buckets = new Map<number, number>();
  for (const t of times) {
    const bucket = Math.floor((t - start) / bucketMs);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return Math.max(0, ...buckets.values());
}

export async function herd(quick: boolean): Promise<CaseReport> {
  const baseDelayMs = quick ? 20 : 100;
  const rounds = quick ? 1 : 3;
  const server = await CountingServer.start();
  const samples = contenders.map(() => [] as Sample[]);
  try {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const index = (k + round) % contenders.length;
        const contender = contenders[index];
        if (contender === undefined) continue;
        server.reset();
        const start = performance.now();
        const { failed, cycles } = await contender.run(server.port, baseDelayMs);
        const elapsedMs = performance.now() - start;
        // Let the last destroyed sockets' connection events land before counting.
        await new Promise((resolve) => setTimeout(resolve, 20));
        samples[index]?.push({
          attempts: server.times.length,
          peak: peakPerBucket(server.times, start),
          elapsedMs,
          failed,
          cycles,
        });
      }
    }
  } finally {
    await server.close();
  }
  const results = contenders.map((c, i) => {
    const s = samples[i] ?? [];
    return {
      name: c.name,
      attempts: median(s.map((x) => x.attempts)),
      peak: median(s.map((x) => x.peak)),
      elapsedMs: median(s.map((x) => x.elapsedMs)),
      failed: Math.min(...s.map((x) => x.failed)),
      allAttempts: s.map((x) => x.attempts),
      allCycles: s.map((x) => x.cycles),
    };
  });
  const markdown = table(
    [
      'contender',
      'attempts that reached the port (median)',
      `peak attempts per ${bucketMs} ms`,
      'time until all gave up (ms)',
      'callers that got an error',
      'attempts per round',
    ],
    results.map((r) => [
      r.name,
      formatNumber(r.attempts),
      formatNumber(r.peak),
      formatNumber(r.elapsedMs),
      `${r.failed} / ${callers}`,
      r.allAttempts.join(' '),
    ]),
  );
  const holdfast = results[0];
  const worst = holdfast === undefined ? NaN : Math.max(...holdfast.allAttempts);
  const cycles = holdfast?.allCycles.join(' ') ?? '';
  const targets: TargetCheck[] = [
    {
      target: `200-caller herd: holdfast makes at most maxRetries + 1 = ${maxRetries + 1} attempts`,
      measured: `${worst} attempts (worst of ${rounds} rounds: ${holdfast?.allAttempts.join(' ') ?? ''} attempts in ${cycles} cycles; p-retry ${formatNumber(results[1]?.attempts ?? NaN)}, cockatiel ${formatNumber(results[2]?.attempts ?? NaN)})`,
      met: worst <= maxRetries + 1,
    },
  ];
  return {
    id: 'herd',
    title: `Herd: ${callers} callers against a dead backend`,
    description: `A local TCP server that accepts each connection and destroys it at once (so attempts are counted where they land); each attempt is a TCP connect that waits for a greeting. Same policy for all: maxRetries ${maxRetries}, base delay ${baseDelayMs} ms, factor 2, jitter (each library's own kind). The 200 callers arrive together, so they share holdfast's one cycle and fail when it gives up, whatever its jitter drew (docs/decisions/0019-a-call-fails-after-a-full-chance.md). ${rounds} rounds, contenders in rotating order, medians.`,
    markdown,
    rows: results.length,
    targets,
  };
}
