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
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import { defer, firstValueFrom, retry as rxRetry } from 'rxjs';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { type Candidate, type LoopResult, interleave, table } from '../harness.js';

const op = async (): Promise<number> => 1;

export async function happyPath(
  quick: boolean,
): Promise<{ results: LoopResult[]; markdown: string }> {
  const holdfast = new RetryHandler({ maxRetries: 3 });
  const cockatielRetry = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  const cockatielBoth = wrap(
    cockatielRetry,
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );
  const opossum = new CircuitBreaker(op, { timeout: false, errorThresholdPercentage: 50 });
  const candidates: Candidate[] = [
    { name: 'raw call', run: op },
    { name: 'holdfast RetryHandler.execute', run: () => holdfast.execute(op) },
    { name: 'cockatiel retry', run: () => cockatielRetry.execute(op) },
    { name: 'cockatiel retry + breaker', run: () => cockatielBoth.execute(op) },
    { name: 'RxJS defer + retry', run: () => firstValueFrom(defer(op).pipe(rxRetry(3))) },
    { name: 'opossum', run: () => opossum.fire() },
    { name: 'p-retry', run: () => pRetry(op, { retries: 3 }) },
  ];
  const results = await interleave(candidates, {
    rounds: quick ? 2 : 9,
    iterations: quick ? 2_000 : 200_000,
    warmup: quick ? 1_000 : 50_000,
  });
  opossum.shutdown();
  const raw = results[0]?.nsPerOp ?? 0;
  const markdown = table(
    ['wrapper', 'ns per call (median)', 'added to raw (ns)'],
    results.map((r) => [
      r.name,
      r.nsPerOp.toFixed(0),
      r === results[0] ? '—' : (r.nsPerOp - raw).toFixed(0),
    ]),
  );
  return { results, markdown };
}
