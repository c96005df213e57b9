import { parseArgs } from 'node:util';
import { describeUnparsedUrl } from '../telemetry/describeUnparsedUrl.js';
import { parseTargetUrl, type TargetUrl } from './parseTargetUrl.js';
import { UsageError } from './UsageError.js';

/** What the command line asks for. */
export type CliCommand =
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | {
      readonly command: 'wait';
      readonly targets: readonly TargetUrl[];
      /** Give up after this many ms; `undefined` waits without limit. */
      readonly timeoutMs: number | undefined;
      readonly quiet: boolean;
    }
  | { readonly command: 'watch'; readonly targets: readonly TargetUrl[]; readonly json: boolean };

/** `--timeout` when not given, seconds. */
export const defaultTimeoutSeconds = 30;

const options = {
  timeout: { type: 'string', short: 't' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;
type OptionName = keyof typeof options;

/** Which command accepts which option (help and version are accepted everywhere). */
const allowed: Readonly<Record<'wait' | 'watch', readonly OptionName[]>> = {
  wait: ['timeout', 'quiet'],
  watch: ['json'],
};

/** The longest timer Node can hold, ms. */
const maxTimerMs = 2_147_483_647;
const seconds = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * Parses `holdfast wait|watch <url>... [flags]` with node:util parseArgs, every message
 * holdfast's own (unknown flags are named, misplaced ones say which command takes them).
 *
 * @throws {UsageError} an unknown command or flag, a flag of the other command, a malformed
 *   `--timeout`, no URL, or a malformed URL (its password masked in the message)
 * @example
 * parseCliArgs(['wait', 'redis://127.0.0.1:6379', '--timeout', '5']);
 * // { command: 'wait', targets: [...], timeoutMs: 5000, quiet: false }
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals: string[] = [];
  const given = new Map<OptionName, string | undefined>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (!isOptionName(token.name)) {
      throw new UsageError(
        `Unknown option ${token.rawName}. Run \`holdfast --help\` for the options.`,
      );
    }
    const expectsValue = options[token.name].type === 'string';
    if (expectsValue && token.value === undefined) {
      throw new UsageError(`Option ${token.rawName} needs a value, e.g. ${token.rawName} 30.`);
    }
    if (!expectsValue && token.value !== undefined) {
      throw new UsageError(`Option ${token.rawName} takes no value.`);
    }
    given.set(token.name, token.value);
  }
  if (given.has('help')) return { command: 'help' };
  if (given.has('version')) return { command: 'version' };

  const [command, ...urls] = positionals;
  if (command === undefined) {
    throw new UsageError(
      'Missing command: use `holdfast wait <url>...` or `holdfast watch <url>...`.',
    );
  }
  if (command === 'help') return { command: 'help' };
  if (command !== 'wait' && command !== 'watch') {
    throw new UsageError(
      `Unknown command ${/^[a-z][a-z-]{0,30}$/i.test(command) ? `"${command}"` : describeUnparsedUrl(command)}: use \`holdfast wait <url>...\` or \`holdfast watch <url>...\`.`,
    );
  }
  for (const name of given.keys()) {
    if (!allowed[command].includes(name)) {
      const owner = command === 'wait' ? 'watch' : 'wait';
      throw new UsageError(
        `Option --${name} applies to \`holdfast ${owner}\`, not \`${command}\`.`,
      );
    }
  }
  if (urls.length === 0) {
    throw new UsageError(
      `Missing URL: \`holdfast ${command} <url>...\` needs at least one target.`,
    );
  }
  const targets = urls.map(parseTargetUrl);
  if (command === 'watch') return { command, targets, json: given.has('json') };
  return {
    command,
    targets,
    timeoutMs: parseTimeout(given.get('timeout')),
    quiet: given.has('quiet'),
  };
}

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return defaultTimeoutSeconds * 1000;
  const value = Number(raw);
  if (!seconds.test(raw) || !Number.isFinite(value)) {
    throw new UsageError(
      `--timeout ${JSON.stringify(raw)} is not a number of seconds (e.g. 30 or 2.5; 0 for no limit).`,
    );
  }
  if (value * 1000 > maxTimerMs) {
    throw new UsageError(
      `--timeout ${raw} is too long: at most ${maxTimerMs / 1000} s (use 0 for no limit).`,
    );
  }
  return value === 0 ? undefined : Math.max(1, Math.round(value * 1000));
}

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(options, name);
}
