import { assertNever } from '../internal/assertNever.js';
import type { Style } from './Style.js';
import type { ErrorSummary } from './summarizeError.js';
import type { WaitProgress } from './WaitProgress.js';

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** `850 ms`, `1.8 s`. */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  return rounded < 1000 ? `${rounded} ms` : `${(rounded / 1000).toFixed(1)} s`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function lastError(error: ErrorSummary | undefined): string {
  return error === undefined ? '' : `, last error ${error.code} (${error.message})`;
}

/**
 * One target's progress line of `holdfast wait`: attempt, next delay, last error code. A live
 * line (terminal, redrawn in place) starts with a status mark and counts the delay down from
 * `now`; a plain line (logs, pipes) states the delay as scheduled.
 */
export function formatWaitLine(
  progress: WaitProgress,
  options: {
    readonly live: boolean;
    readonly now: number;
    readonly frame: number;
    readonly style: Style;
  },
): string {
  const { live, now, style } = options;
  const { phase, attempts } = progress;
  const pending = style.cyan(spinner[options.frame % spinner.length] ?? '-');
  const mark = (symbol: string): string => (live ? `${symbol} ` : '');
  const name = style.bold(progress.target);
  const delay = (nextAt: number, delayMs: number): string =>
    formatDuration(live ? nextAt - now : delayMs);
  switch (phase.status) {
    case 'waiting':
      return `${mark(pending)}${name} ${style.dim('waiting')}`;
    case 'connecting':
      return `${mark(pending)}${name} attempt ${attempts}: connecting${
        progress.lastError === undefined
          ? ''
          : style.dim(` (last error ${progress.lastError.code})`)
      }`;
    case 'retrying':
      return `${mark(pending)}${name} attempt ${attempts} failed: ${style.yellow(
        progress.lastError?.code ?? 'error',
      )}; next attempt in ${delay(phase.nextAt, phase.delayMs)}`;
    case 'new-round':
      return `${mark(pending)}${name} ${plural(attempts, 'attempt')} failed: ${style.yellow(
        progress.lastError?.code ?? 'error',
      )}; retries used up, new round in ${delay(phase.nextAt, phase.delayMs)}`;
    case 'ready':
      return `${mark(style.green('✔'))}${name} ${style.green('ready')} after ${plural(
        attempts,
        'attempt',
      )} (${formatDuration(phase.elapsedMs)})`;
    case 'fatal':
      return `${mark(style.red('✖'))}${name} ${style.red(
        `failed: ${phase.error.code}`,
      )}, not retried (${phase.error.message})`;
    case 'timeout':
      return `${mark(style.red('✖'))}${name} ${style.red(
        `not ready after ${formatDuration(phase.elapsedMs)}`,
      )}: ${plural(attempts, 'attempt')}${lastError(progress.lastError)}`;
    case 'interrupted':
      return `${mark(style.yellow('✖'))}${name} ${style.yellow('interrupted')} after ${plural(
        attempts,
        'attempt',
      )}${lastError(progress.lastError)}`;
    default:
      return assertNever(phase);
  }
}
