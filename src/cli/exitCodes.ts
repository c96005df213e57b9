/**
 * The `holdfast` command's exit codes, for scripts and container entrypoints
 * (`holdfast wait mysql://... && node server.js`).
 */
export const exitCodes = {
  /** Every target is ready (`wait`), or `watch` was stopped with Ctrl-C. */
  ok: 0,
  /** A target was not ready before the timeout, or failed with an error that is not retried. */
  notReady: 1,
  /** A malformed URL, an unknown flag or a missing argument: nothing was connected. */
  usage: 2,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
