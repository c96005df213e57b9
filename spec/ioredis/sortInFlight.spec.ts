import { expect } from 'chai';
import { Command } from 'ioredis';
import { type QueuedCommand, sortInFlight } from '../../src/ioredis/sortInFlight.js';

function item(name: string, args: string[] = [], extra: object = {}): QueuedCommand {
  const command = Object.assign(new Command(name, args), extra);
  command.promise.catch(() => undefined);
  return { command, select: 0 };
}

const names = (items: readonly QueuedCommand[]): string[] => items.map((i) => i.command.name);
const newMulti = (select: number): QueuedCommand => ({ ...item('multi'), select });

describe('sortInFlight', () => {
  it('sends reads and idempotent writes again, in order; the rest is unknown', () => {
    const { resend, unknown } = sortInFlight(
      [item('get', ['a']), item('incr', ['n']), item('set', ['b', '1']), item('lpush', ['l', 'x'])],
      newMulti,
    );
    expect(names(resend)).to.deep.equal(['get', 'set']);
    expect(names(unknown)).to.deep.equal(['incr', 'lpush']);
  });

  it('sends a pipelined command again on its own (no pipeline stream)', () => {
    const queued = { ...item('get', ['a'], { pipelineIndex: 0 }), stream: { isPipeline: true } };
    const { resend } = sortInFlight([queued], newMulti);
    expect(resend[0]?.command).to.equal(queued.command);
    expect(resend[0]?.stream).to.equal(undefined);
  });

  it('sends a transaction of safe commands again whole', () => {
    const block = [
      item('multi', [], { inTransaction: true }),
      item('get', ['a'], { inTransaction: true }),
      item('exists', ['b'], { inTransaction: true }),
      item('exec'),
    ];
    const { resend, unknown } = sortInFlight(block, newMulti);
    expect(names(resend)).to.deep.equal(['multi', 'get', 'exists', 'exec']);
    expect(unknown).to.deep.equal([]);
  });

  it('puts a new MULTI in front of a safe transaction whose MULTI was answered', () => {
    const block = [item('get', ['a'], { inTransaction: true }), item('exec')];
    const { resend } = sortInFlight(block, newMulti);
    expect(names(resend)).to.deep.equal(['multi', 'get', 'exec']);
  });

  it('reports every command of a transaction with one unsafe command as unknown', () => {
    const block = [
      item('multi', [], { inTransaction: true }),
      item('get', ['a'], { inTransaction: true }),
      item('incr', ['n'], { inTransaction: true }),
      item('exec'),
    ];
    const { resend, unknown } = sortInFlight([...block, item('get', ['z'])], newMulti);
    expect(names(unknown)).to.deep.equal(['multi', 'get', 'incr', 'exec']);
    expect(names(resend)).to.deep.equal(['get']);
  });
});
