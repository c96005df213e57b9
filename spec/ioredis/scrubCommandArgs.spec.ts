import { expect } from 'chai';
import { scrubCommandArgs } from '../../src/ioredis/scrubCommandArgs.js';

function withCommand(name: string, args: unknown[]): Error & { command: unknown } {
  return Object.assign(new Error('x'), { command: { name, args } });
}

describe('scrubCommandArgs', () => {
  it('masks every AUTH argument', () => {
    const error = withCommand('auth', ['user', 'secret']);
    scrubCommandArgs(error);
    expect(error.command).to.deep.equal({ name: 'auth', args: ['***', '***'] });
  });

  it('keeps the protocol version of HELLO and masks the rest', () => {
    const error = withCommand('HELLO', ['3', 'AUTH', 'default', 'secret', 'SETNAME', 'x']);
    scrubCommandArgs(error);
    expect(error.command).to.deep.equal({
      name: 'HELLO',
      args: ['3', '***', '***', '***', '***', '***'],
    });
  });

  it('keeps the subcommand of CONFIG and ACL', () => {
    const error = withCommand('config', ['set', 'requirepass', 'secret']);
    scrubCommandArgs(error);
    expect(error.command).to.deep.equal({ name: 'config', args: ['set', '***', '***'] });
  });

  it('leaves other commands and malformed records alone', () => {
    const get = withCommand('get', ['key']);
    scrubCommandArgs(get);
    expect(get.command).to.deep.equal({ name: 'get', args: ['key'] });
    const odd = Object.assign(new Error('x'), { command: 'auth secret' });
    scrubCommandArgs(odd);
    expect(odd.command).to.equal('auth secret');
    expect(() => {
      scrubCommandArgs(new Error('no command'));
    }).to.not.throw();
  });
});
