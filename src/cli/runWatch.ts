import { sleep } from '../internal/sleep.js';
import type { CliIo } from './CliIo.js';
import type { CliTarget, CreateCliTarget } from './CliTarget.js';
import { closeTargets, createTargets } from './targetLifecycle.js';
import { type ExitCode, exitCodes } from './exitCodes.js';
import { formatWatchLine, watchRecord } from './formatWatchLine.js';
import type { CliCommand } from './parseCliArgs.js';
import { styleFor } from './Style.js';
import { isRoundUsedUp, roundPauseMs } from './waitForRound.js';

type WatchCommand = Extract<CliCommand, { command: 'watch' }>;

/** How often `watch` checks a connected target (PING, SELECT 1) so that a dead link shows, ms. */
export const watchCheckIntervalMs = 1000;

/**
 * `holdfast watch <url>...`: prints every state change of every target, one line each (or one
 * JSON object each), keeps connecting (a used-up round of retries starts another) and checks
 * connected targets every second. Ctrl-C closes every connection (their `closed` lines are
 * printed) and resolves 0; it resolves 1 when every target failed with an error not worth
 * retrying (nothing is left to watch).
 */
export async function runWatch(
  command: WatchCommand,
  io: CliIo,
  createTarget: CreateCliTarget,
): Promise<ExitCode> {
  const targets = await createTargets(command.targets, io, createTarget);
  const style = styleFor(io.stdout, io.env);
  const controller = new AbortController();
  const stopListening = io.onInterrupt(() => {
    controller.abort();
  });
  const subscriptions = targets.map((target) =>
    target.state$.subscribe((state) => {
      const final = state.status === 'failed' && !isRoundUsedUp(state.error);
      const record = watchRecord(target.url.display, state, io.clock.now(), final);
      io.stdout.write(
        `${command.json ? JSON.stringify(record) : formatWatchLine(record, style)}\n`,
      );
    }),
  );
  try {
    const ends = await Promise.all(
      targets.map((target) => watchTarget(target, controller.signal, io)),
    );
    return ends.every((end) => end === 'fatal') ? exitCodes.notReady : exitCodes.ok;
  } finally {
    stopListening();
    await closeTargets(targets, io.clock);
    for (const subscription of subscriptions) subscription.unsubscribe();
  }
}

/** Keeps one target connected until the signal fires; 'fatal' when it cannot be. */
async function watchTarget(
  target: CliTarget,
  signal: AbortSignal,
  io: CliIo,
): Promise<'stopped' | 'fatal'> {
  while (!isAborted(signal)) {
    try {
      await target.ready(signal);
    } catch (error) {
      if (isAborted(signal)) break;
      if (!isRoundUsedUp(error)) return 'fatal';
      await pause(roundPauseMs(target), signal, io);
      continue;
    }
    await pause(watchCheckIntervalMs, signal, io);
    if (isAborted(signal)) break;
    // A failed check is reported by the target to its manager, which shows it in state$.
    await target.check(signal).catch(() => undefined);
  }
  return 'stopped';
}

function pause(ms: number, signal: AbortSignal, io: CliIo): Promise<void> {
  return sleep(ms, signal, io.clock).catch(() => undefined);
}

/** Read through a call: TypeScript would keep `signal.aborted` narrowed across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
