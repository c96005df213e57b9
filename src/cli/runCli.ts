import { readFileSync } from 'node:fs';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { assertNever } from '../internal/assertNever.js';
import { describeError, registerSecret } from '../telemetry/redact.js';
import type { CliIo } from './CliIo.js';
import type { CreateCliTarget } from './CliTarget.js';
import { type CliTelemetry, type StartCliTelemetry, stopCliTelemetry } from './cliTelemetry.js';
import { type ExitCode, exitCodes } from './exitCodes.js';
import { helpText } from './helpText.js';
import { parseCliArgs } from './parseCliArgs.js';
import { type interruptedExitCode, runWait } from './runWait.js';
import { runWatch } from './runWatch.js';
import { UsageError } from './UsageError.js';

/**
 * The whole `holdfast` command: parses `argv` (without `node` and the script), runs it and
 * resolves with the exit code. Never throws: usage errors and malformed `DB_RETRY_*` /
 * `REDIS_RETRY_*` variables are reported on stderr with status 2, anything unexpected with
 * status 1; no message contains a password.
 *
 * `wait` and `watch` start `startTelemetry` first (the main entry passes `startCliTelemetry`:
 * OTLP export when an endpoint variable is set) and flush it, bounded, before resolving.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  createTarget: CreateCliTarget,
  startTelemetry: StartCliTelemetry = noTelemetry,
): Promise<ExitCode | typeof interruptedExitCode> {
  const forget: (() => void)[] = [];
  let telemetry: CliTelemetry | undefined;
  try {
    const command = parseCliArgs(argv);
    // A driver error that echoes a password verbatim is redacted too.
    if (command.command === 'wait' || command.command === 'watch') {
      for (const target of command.targets) forget.push(registerSecret(target.password));
      telemetry = await startTelemetry(io.env, io.stderr);
    }
    switch (command.command) {
      case 'help':
        io.stdout.write(helpText);
        return exitCodes.ok;
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        return exitCodes.ok;
      case 'wait':
        return await runWait(command, io, createTarget);
      case 'watch':
        return await runWatch(command, io, createTarget);
      default:
        return assertNever(command);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`holdfast: ${error.message}\nRun \`holdfast --help\` for usage.\n`);
      return exitCodes.usage;
    }
    // By code, not instanceof: a driver layer loaded on demand may bring its own copy.
    if (isHoldfastError(error) && error.code === 'ERR_HOLDFAST_CONFIG') {
      io.stderr.write(`holdfast: ${describeError(error)}\n`);
      return exitCodes.usage;
    }
    io.stderr.write(`holdfast: unexpected error: ${describeError(error)}\n`);
    return exitCodes.notReady;
  } finally {
    // The spans are recorded (and redacted) already; what is buffered goes out before the exit.
    if (telemetry !== undefined) await stopCliTelemetry(telemetry, io);
    for (const undo of forget) undo();
  }
}

const noTelemetry: StartCliTelemetry = () => Promise.resolve(undefined);

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  const version =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)['version']
      : undefined;
  return typeof version === 'string' ? version : 'unknown';
}
