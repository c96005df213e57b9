#!/usr/bin/env node
// The `holdfast` command: `holdfast wait <url>...` and `holdfast watch <url>...`.
import { systemClock } from '../internal/Clock.js';
import { startCliTelemetry } from './cliTelemetry.js';
import { createCliTarget } from './createCliTarget.js';
import { runCli } from './runCli.js';

/**
 * The result is printed and every close was asked for (and waited for up to 1 s): a driver
 * socket that still lingers (a handshake on a dead link) may keep the process up only this
 * long, ms. Entry points must not hang on the way out.
 */
const exitGraceMs = 250;

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
  // OTLP export of spans and metrics when OTEL_EXPORTER_OTLP_ENDPOINT is set, flushed (at most
  // 2 s) before runCli resolves.
  startCliTelemetry,
);
process.exitCode = code;
// Every connection was closed; should a driver still hold a handle, do not hang the entrypoint.
setTimeout(() => process.exit(code), exitGraceMs).unref();
