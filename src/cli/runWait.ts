import { sleep } from '../internal/sleep.js';
import type { CliIo } from './CliIo.js';
import type { CliTarget, CreateCliTarget } from './CliTarget.js';
import { closeTargets, createTargets } from './targetLifecycle.js';
import { type ExitCode, exitCodes } from './exitCodes.js';
import type { CliCommand } from './parseCliArgs.js';
import { styleFor } from './Style.js';
import { summarizeError } from './summarizeError.js';
import { isRoundUsedUp, roundPauseMs } from './waitForRound.js';
import { WaitReporter } from './WaitReporter.js';
import { foldState, initialProgress, type WaitProgress } from './WaitProgress.js';

type WaitCommand = Extract<CliCommand, { command: 'wait' }>;

/** The exit status of a wait stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const interruptedExitCode = 130;

/**
 * `holdfast wait <url>...`: every target connects and verifies with its retry policy; a used-up
 * round of retries starts another until the timeout. Resolves with the exit code: 0 when all
 * are ready, 1 when one timed out or failed with an error not worth retrying, 130 on Ctrl-C.
 * Every connection is closed before it resolves.
 */
export async function runWait(
  command: WaitCommand,
  io: CliIo,
  createTarget: CreateCliTarget,
): Promise<ExitCode | typeof interruptedExitCode> {
  const targets = await createTargets(command.targets, io, createTarget);
  const started = io.clock.now();
  const controller = new AbortController();
  const interruption = { happened: false };
  const timer =
    command.timeoutMs === undefined
      ? undefined
      : io.clock.setTimeout(() => {
          controller.abort();
        }, command.timeoutMs);
  const stopListening = io.onInterrupt(() => {
    interruption.happened = true;
    controller.abort();
  });
  const mode = command.quiet ? 'quiet' : io.stdout.isTTY === true ? 'live' : 'plain';
  const reporter = new WaitReporter(
    mode,
    io,
    { stdout: styleFor(io.stdout, io.env), stderr: styleFor(io.stderr, io.env) },
    targets.map((target) => initialProgress(target.url.display)),
  );
  reporter.start(command.timeoutMs);
  try {
    const results = await Promise.all(
      targets.map((target, index) =>
        waitForTarget(
          target,
          controller.signal,
          io,
          started,
          () => interruption.happened,
          (progress) => {
            reporter.update(index, progress);
          },
        ),
      ),
    );
    reporter.finish(io.clock.now() - started);
    if (results.every((progress) => progress.phase.status === 'ready')) return exitCodes.ok;
    return interruption.happened ? interruptedExitCode : exitCodes.notReady;
  } finally {
    if (timer !== undefined) io.clock.clearTimeout(timer);
    stopListening();
    await closeTargets(targets, io.clock);
  }
}

async function waitForTarget(
  target: CliTarget,
  signal: AbortSignal,
  io: CliIo,
  started: number,
  wasInterrupted: () => boolean,
  report: (progress: WaitProgress) => void,
): Promise<WaitProgress> {
  let progress = initialProgress(target.url.display);
  const set = (next: WaitProgress): WaitProgress => {
    if (next !== progress) report(next);
    progress = next;
    return next;
  };
  const stopped = (): WaitProgress =>
    set({
      ...progress,
      phase: wasInterrupted()
        ? { status: 'interrupted' }
        : { status: 'timeout', elapsedMs: io.clock.now() - started },
    });
  const subscription = target.state$.subscribe((state) => {
    set(foldState(progress, state, io.clock.now()));
  });
  try {
    for (;;) {
      try {
        await target.ready(signal);
        return set({
          ...progress,
          phase: { status: 'ready', elapsedMs: io.clock.now() - started },
        });
      } catch (error) {
        if (isAborted(signal)) return stopped();
        const summary = summarizeError(error);
        if (!isRoundUsedUp(error)) {
          return set({
            ...progress,
            lastError: summary,
            phase: { status: 'fatal', error: summary },
          });
        }
        const delayMs = roundPauseMs(target);
        const nextAt = io.clock.now() + delayMs;
        set({ ...progress, lastError: summary, phase: { status: 'new-round', delayMs, nextAt } });
      }
      try {
        await sleep(roundPauseMs(target), signal, io.clock);
      } catch {
        return stopped();
      }
    }
  } finally {
    subscription.unsubscribe();
  }
}

/** Read through a call: TypeScript would keep `signal.aborted` narrowed across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
