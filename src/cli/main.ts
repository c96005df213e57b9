#!/usr/bin/env node
// The `holdfast` command: `holdfast wait <url>...` and `holdfast watch <url>...`.
import { systemClock } from '../internal/Clock.js';
import { createCliTarget } from './createCliTarget.js';
import { runCli } from './runCli.js';

/** After the command is done, a close that hangs may keep the process up this long, ms. */
const exitGraceMs = 3000;

const onInterrupt = (handler: () => void): (() => void) => {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
};

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    clock: systemClock,
    onInterrupt,
  },
  createCliTarget,
);
process.exitCode = code;
// Every connection was closed; should a driver still hold a handle, do not hang the entrypoint.
setTimeout(() => process.exit(code), exitGraceMs).unref();
