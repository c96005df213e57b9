import type { Clock } from '../internal/Clock.js';
import { sleep } from '../internal/sleep.js';
import type { CliIo } from './CliIo.js';
import type { CliTarget, CreateCliTarget } from './CliTarget.js';
import type { TargetUrl } from './parseTargetUrl.js';

/** How long the CLI waits for connections to close before it exits anyway, ms. */
export const closeTimeoutMs = 1000;

/** Builds every target; when one cannot be built, closes those that were and rethrows. */
export async function createTargets(
  urls: readonly TargetUrl[],
  io: CliIo,
  createTarget: CreateCliTarget,
): Promise<CliTarget[]> {
  const settled = await Promise.allSettled(urls.map((url) => createTarget(url, io.env)));
  const targets = settled.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure === undefined) return targets;
  await closeTargets(targets, io.clock);
  throw failure.reason;
}

/** Closes every target at once; a close that fails or hangs does not hold the exit up. */
export async function closeTargets(targets: readonly CliTarget[], clock: Clock): Promise<void> {
  const controller = new AbortController();
  const all = Promise.allSettled(targets.map((target) => target.close()));
  await Promise.race([all, sleep(closeTimeoutMs, controller.signal, clock).catch(() => undefined)]);
  controller.abort();
}
