// ANSI colours for the demo's output, on a terminal only (NO_COLOR / FORCE_COLOR respected).

const env = process.env;
export const colours =
  env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== ''
    ? false
    : env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== ''
      ? env['FORCE_COLOR'] !== '0'
      : process.stdout.isTTY && env['TERM'] !== 'dumb';

const paint =
  (open: number, close: number) =>
  (text: string): string =>
    colours ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const bold = paint(1, 22);
export const dim = paint(2, 22);
export const red = paint(31, 39);
export const green = paint(32, 39);
export const yellow = paint(33, 39);
export const blue = paint(34, 39);
export const magenta = paint(35, 39);
export const cyan = paint(36, 39);
