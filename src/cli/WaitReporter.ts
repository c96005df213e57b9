import type { TimerHandle } from '../internal/Clock.js';
import type { CliIo } from './CliIo.js';
import { formatDuration, formatWaitLine } from './formatWaitLine.js';
import { type Style, cutAnsi } from './Style.js';
import type { WaitProgress } from './WaitProgress.js';

/**
 * How `holdfast wait` reports: `live` redraws one line per target in place on a terminal,
 * `plain` prints a line whenever a target's line changes (logs, pipes), `quiet` prints only
 * the reasons of a failure.
 */
export type WaitReportMode = 'live' | 'plain' | 'quiet';

/** Redraw period of live lines (the delay countdown and the spinner), ms. */
export const liveFrameMs = 100;

export class WaitReporter {
  readonly #io: CliIo;
  readonly #style: Style;
  readonly #errorStyle: Style;
  readonly #mode: WaitReportMode;
  readonly #lines: WaitProgress[];
  readonly #printed: string[];
  #drawn = 0;
  #frame = 0;
  #timer: { readonly handle: TimerHandle } | undefined;

  constructor(
    mode: WaitReportMode,
    io: CliIo,
    styles: { readonly stdout: Style; readonly stderr: Style },
    initial: readonly WaitProgress[],
  ) {
    this.#mode = mode;
    this.#io = io;
    this.#style = styles.stdout;
    this.#errorStyle = styles.stderr;
    this.#lines = [...initial];
    this.#printed = initial.map(() => '');
  }

  /** Prints the header; on a terminal, starts redrawing. */
  start(timeoutMs: number | undefined): void {
    if (this.#mode === 'quiet') return;
    const limit =
      timeoutMs === undefined ? 'no time limit' : `timeout ${formatDuration(timeoutMs)}`;
    const count = this.#lines.length === 1 ? '1 target' : `${this.#lines.length} targets`;
    this.#io.stdout.write(`holdfast: waiting for ${count} (${limit})\n`);
    if (this.#mode === 'live') this.#tick();
    else {
      for (let index = 0; index < this.#lines.length; index += 1) this.#printIfChanged(index);
    }
  }

  update(index: number, progress: WaitProgress): void {
    this.#lines[index] = progress;
    if (this.#mode === 'plain') this.#printIfChanged(index);
    else if (this.#mode === 'live') this.#draw();
  }

  /** Stops redrawing and prints the result: a summary line, or the reasons on stderr. */
  finish(elapsedMs: number): void {
    if (this.#timer !== undefined) this.#io.clock.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    if (this.#mode === 'live') this.#draw();
    const failed = this.#lines.filter((line) => line.phase.status !== 'ready');
    if (failed.length === 0) {
      if (this.#mode !== 'quiet') {
        const what = this.#lines.length === 1 ? 'target' : `${this.#lines.length} targets`;
        this.#io.stdout.write(
          `holdfast: ${this.#style.green(`${what} ready`)} in ${formatDuration(elapsedMs)}\n`,
        );
      }
      return;
    }
    const style = this.#errorStyle;
    const lines = failed.map(
      (line) => `  ${formatWaitLine(line, { live: false, now: 0, frame: 0, style })}`,
    );
    this.#io.stderr.write(
      `holdfast: ${failed.length} of ${this.#lines.length} not ready:\n${lines.join('\n')}\n`,
    );
  }

  #printIfChanged(index: number): void {
    const progress = this.#lines[index];
    if (progress === undefined) return;
    const line = formatWaitLine(progress, {
      live: false,
      now: this.#io.clock.now(),
      frame: 0,
      style: this.#style,
    });
    if (line === this.#printed[index]) return;
    this.#printed[index] = line;
    this.#io.stdout.write(`${line}\n`);
  }

  #tick(): void {
    this.#frame += 1;
    this.#draw();
    this.#timer = {
      handle: this.#io.clock.setTimeout(() => {
        this.#tick();
      }, liveFrameMs),
    };
  }

  #draw(): void {
    // A pseudo-terminal may report 0 columns: assume a common width then.
    const columns = this.#io.stdout.columns ?? 0;
    const width = Math.max(20, (columns > 0 ? columns : 120) - 1);
    const now = this.#io.clock.now();
    const up = this.#drawn > 0 ? `\u001b[${this.#drawn}A` : '';
    const body = this.#lines
      .map((progress) => {
        const line = formatWaitLine(progress, {
          live: true,
          now,
          frame: this.#frame,
          style: this.#style,
        });
        return `\u001b[2K${cutAnsi(line, width)}\n`;
      })
      .join('');
    this.#drawn = this.#lines.length;
    this.#io.stdout.write(`${up}${body}`);
  }
}
