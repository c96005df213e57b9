import { expect } from 'chai';
import { cutAnsi, stripAnsi, styleFor } from '../../src/cli/Style.js';

describe('styleFor', () => {
  const tty = { isTTY: true, write: () => true };
  const pipe = { isTTY: false, write: () => true };

  it('colours a terminal', () => {
    expect(styleFor(tty, {}).green('ok')).to.equal('\u001b[32mok\u001b[39m');
  });

  it('does not colour a pipe', () => {
    expect(styleFor(pipe, {}).green('ok')).to.equal('ok');
  });

  it('follows NO_COLOR over a terminal, and TERM=dumb', () => {
    expect(styleFor(tty, { NO_COLOR: '1' }).enabled).to.equal(false);
    expect(styleFor(tty, { TERM: 'dumb' }).enabled).to.equal(false);
  });

  it('follows FORCE_COLOR on a pipe, except FORCE_COLOR=0', () => {
    expect(styleFor(pipe, { FORCE_COLOR: '1' }).enabled).to.equal(true);
    expect(styleFor(tty, { FORCE_COLOR: '0' }).enabled).to.equal(false);
  });
});

describe('cutAnsi', () => {
  it('keeps a line that fits', () => {
    expect(cutAnsi('\u001b[1mabc\u001b[22m', 3)).to.equal('\u001b[1mabc\u001b[22m');
  });

  it('cuts to the visible width, keeping escapes and resetting the style', () => {
    const cut = cutAnsi('\u001b[1mabcdef\u001b[22m', 4);
    expect(stripAnsi(cut)).to.equal('abc…');
    expect(cut.endsWith('\u001b[0m')).to.equal(true);
  });
});
