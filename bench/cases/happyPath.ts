// Per-call cost that a retry wrapper adds to `async () => 1` on the happy path, side by side with
// the libraries users would pick instead.
import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleAll,
  retry,
  wrap,
} from 'cockatiel';
import CircuitBreakerOpossum from 'opossum';
import pRetry from 'p-retry';
import { defer, firstValueFrom, retry as rxRetry } from 'rxjs';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import { RetryBudget } from '../../src/budget/RetryBudget.js';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import {
  type CaseReport,
  type Candidate,
  type LoopResult,
  type TargetCheck,
  interleave,
  median,
  table,
} from '../harness.js';

const op = async (): Promise<number> => 1;
const onConnection = async (_connection: FakeConnection): Promise<number> => 1;

interface FakeConnection {
  readonly id: number;
}

const names = {
  raw: 'raw call',
  handler: 'holdfast RetryHandler.execute',
  manager: 'holdfast ConnectionManager.execute (breaker + budget)',
  managerBare: 'holdfast ConnectionManager.execute (no breaker, no budget)',
  cockatielRetry: 'cockatiel retry',
  cockatielBoth: 'cockatiel retry + breaker',
  rx: 'RxJS defer + retry',
  opossum: 'opossum',
  pRetry: 'p-retry',
} as const;

function connectedManager(hooks: boolean): ConnectionManager<FakeConnection> {
  return new ConnectionManager<FakeConnection>({
    name: 'bench-fake',
    connect: async () => ({ id: 1 }),
    retry: { maxRetries: 3 },
    ...(hooks
      ? { circuitBreaker: new CircuitBreaker({ name: 'bench-fake' }), budget: new RetryBudget() }
      : { budget: false }),
  });
}

export async function happyPath(quick: boolean): Promise<CaseReport> {
  const holdfast = new RetryHandler({ maxRetries: 3 });
  const manager = connectedManager(true);
  const bareManager = connectedManager(false);
  const cockatielRetry = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  const cockatielBoth = wrap(
    cockatielRetry,
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );
  const opossum = new CircuitBreakerOpossum(op, { timeout: false, errorThresholdPercentage: 50 });
  const candidates: Candidate[] = [
    { name: names.raw, run: () => op() },
    { name: names.handler, run: () => holdfast.execute(op) },
    {
      name: names.manager,
      setup: async () => {
        await manager.ready();
      },
      run: () => manager.execute(onConnection),
      teardown: () => manager.close(),
    },
    {
      name: names.managerBare,
      setup: async () => {
        await bareManager.ready();
      },
      run: () => bareManager.execute(onConnection),
      teardown: () => bareManager.close(),
    },
    { name: names.cockatielRetry, run: () => cockatielRetry.execute(op) },
    { name: names.cockatielBoth, run: () => cockatielBoth.execute(op) },
    { name: names.rx, run: () => firstValueFrom(defer(op).pipe(rxRetry(3))) },
    { name: names.opossum, run: () => opossum.fire() },
    {
      name: names.pRetry,
      run: () => pRetry(op, { retries: 3 }),
      // About 100 times slower per call than the others: a round of the same length.
      iterations: quick ? 200 : 20_000,
    },
  ];
  const results = await interleave(candidates, {
    rounds: quick ? 2 : 9,
    iterations: quick ? 2_000 : 1_000_000,
    warmup: quick ? 1_000 : 100_000,
  });
  opossum.shutdown();
  const rawRounds = results.find((r) => r.name === names.raw)?.rounds ?? [];
  // Added cost per round (the candidate minus the raw call of the same round), then the median:
  // drift on a shared machine moves both terms of a round alike.
  const addedOf = (r: LoopResult): number =>
    median(r.rounds.map((v, i) => v - (rawRounds[i] ?? NaN)));
  const added = (name: string): number => {
    const result = results.find((r) => r.name === name);
    return result === undefined ? NaN : addedOf(result);
  };
  const markdown = table(
    [
      'wrapper',
      'ns per call (median)',
      'added to raw (ns, median of per-round differences)',
      'rounds (ns per call)',
    ],
    results.map((r) => [
      r.name,
      r.nsPerOp.toFixed(0),
      r.name === names.raw ? '—' : addedOf(r).toFixed(0),
      r.rounds.map((v) => v.toFixed(0)).join(' '),
    ]),
  );
  const handlerAdded = added(names.handler);
  const cockatielAdded = added(names.cockatielRetry);
  const managerAdded = added(names.manager);
  const bothAdded = added(names.cockatielBoth);
  const targets: TargetCheck[] = [
    {
      target:
        'RetryHandler.execute adds at most half of what cockatiel retry adds (DESIGN.md: 0.3x)',
      measured: `${handlerAdded.toFixed(0)} ns vs ${cockatielAdded.toFixed(0)} ns = ${(handlerAdded / cockatielAdded).toFixed(2)}x`,
      met: handlerAdded <= cockatielAdded / 2,
    },
    {
      target:
        'ConnectionManager.execute with breaker and budget adds less than cockatiel retry + breaker',
      measured: `${managerAdded.toFixed(0)} ns vs ${bothAdded.toFixed(0)} ns`,
      met: managerAdded < bothAdded,
    },
  ];
  return {
    id: 'happy-path',
    title: 'Happy-path cost per call',
    description:
      'Each wrapper runs `async () => 1` (the managers: `async (connection) => 1` on a connected manager whose connect resolves a fake connection), awaited in a loop; 9 interleaved rounds of 1,000,000 calls (p-retry: 20,000) after 100,000 warm-up calls, a full GC before each round. "added" is the median over rounds of the candidate minus the raw call of the same round (itself `() => op()`, so that every candidate is called the same way).',
    markdown,
    rows: results.length,
    targets,
  };
}
