import type { CliStream } from './CliIo.js';

/** ANSI styling, a no-op when colours are off. */
export interface Style {
  readonly enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const paint =
  (enabled: boolean, open: number, close: number) =>
  (text: string): string =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

/**
 * Colours on a terminal only, following the conventions of NO_COLOR (any non-empty value turns
 * them off) and FORCE_COLOR (on, unless `0`); `TERM=dumb` turns them off.
 */
export function styleFor(
  stream: CliStream,
  env: Readonly<Record<string, string | undefined>>,
): Style {
  const force = env['FORCE_COLOR'];
  const enabled =
    env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== ''
      ? false
      : force !== undefined && force !== ''
        ? force !== '0'
        : stream.isTTY === true && env['TERM'] !== 'dumb';
  return {
    enabled,
    green: paint(enabled, 32, 39),
    red: paint(enabled, 31, 39),
    yellow: paint(enabled, 33, 39),
    cyan: paint(enabled, 36, 39),
    dim: paint(enabled, 2, 22),
    bold: paint(enabled, 1, 22),
  };
}

// Matching the ESC control character is the point of these two patterns.
// eslint-disable-next-line no-control-regex
const ansiEscapes = /\u001b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const leadingEscape = /^\u001b\[[0-9;?]*[A-Za-z]/;

/** Removes ANSI escapes (to measure or cut a styled line). */
export function stripAnsi(text: string): string {
  return text.replace(ansiEscapes, '');
}

/** Cuts a styled line to `width` visible characters, escapes kept (a wrapped live line would
 * break redrawing in place). */
export function cutAnsi(line: string, width: number): string {
  if (stripAnsi(line).length <= width) return line;
  let visible = 0;
  let out = '';
  let rest = line;
  while (rest !== '' && visible < width - 1) {
    const escape = leadingEscape.exec(rest)?.[0];
    const piece = escape ?? rest.slice(0, 1);
    if (escape === undefined) visible += 1;
    out += piece;
    rest = rest.slice(piece.length);
  }
  return `${out}…\u001b[0m`;
}
