import type { Clock } from '../internal/Clock.js';

/** Where the CLI writes: `process.stdout` / `process.stderr` qualify. */
export interface CliStream {
  write(text: string): unknown;
  /** True on a terminal: live progress lines and colours. */
  readonly isTTY?: boolean;
  /** Terminal width; live lines are cut to it so that redrawing stays in place. */
  readonly columns?: number;
}

/** The CLI's world: output streams, environment, time. Specs pass fakes. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /**
   * Subscribes to Ctrl-C (SIGINT) and SIGTERM; returns the function that unsubscribes.
   * @default none (specs stop the CLI through this seam)
   */
  readonly onInterrupt: (handler: () => void) => () => void;
}
