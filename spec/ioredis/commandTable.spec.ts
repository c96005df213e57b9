import { createRequire } from 'node:module';
import { expect } from 'chai';
import {
  blockingCommands,
  commandSafety,
  commandTable,
  isBlockingCommand,
  isResendable,
} from '../../src/ioredis/commandTable.js';

// The Redis command table as ioredis ships it (name -> flags), to keep the read rows honest.
const shipped = createRequire(import.meta.url)('@ioredis/commands/built/commands.json') as Record<
  string,
  { flags: readonly string[] }
>;

describe('commandTable', () => {
  for (const [name, rule] of Object.entries(commandTable)) {
    if (typeof rule === 'function') continue;
    it(`judges ${name} ${rule} in any case`, () => {
      expect(commandSafety(name)).to.equal(rule);
      expect(commandSafety(name.toLowerCase())).to.equal(rule);
      expect(isResendable(name)).to.equal(rule !== 'unsafe');
    });
  }

  it('lists every command that Redis flags readonly as a read', () => {
    const readonly = Object.entries(shipped)
      .filter(([, spec]) => spec.flags.includes('readonly'))
      .map(([name]) => name.toUpperCase());
    expect(readonly.length).to.be.above(50);
    const missing = readonly.filter((name) => commandSafety(name) !== 'read');
    expect(missing).to.deep.equal([]);
  });

  it('calls no write command a read', () => {
    const writes = Object.entries(commandTable)
      .filter(([, rule]) => rule === 'read')
      .map(([name]) => name)
      .filter((name) => shipped[name.toLowerCase()]?.flags.includes('write') === true);
    expect(writes).to.deep.equal([]);
  });

  it('lists the non-idempotent writes of the issue as unsafe', () => {
    for (const name of [
      'INCR',
      'INCRBY',
      'INCRBYFLOAT',
      'DECR',
      'DECRBY',
      'HINCRBY',
      'LPUSH',
      'RPUSH',
      'LPOP',
      'RPOP',
      'APPEND',
      'EVAL',
      'EVALSHA',
      'SPOP',
      'GETDEL',
      'GETSET',
      'ZINCRBY',
      'PUBLISH',
    ]) {
      expect(commandSafety(name), name).to.equal('unsafe');
    }
  });
});

describe('commandSafety', () => {
  describe('a command the table does not know', () => {
    it('is unsafe', () => {
      expect(commandSafety('FROBNICATE', ['x'])).to.equal('unsafe');
      expect(commandSafety('constructor')).to.equal('unsafe');
    });
  });

  describe('SET', () => {
    it('is idempotent, with or without an expiry or XX', () => {
      expect(commandSafety('SET', ['k', 'v'])).to.equal('idempotent');
      expect(commandSafety('set', ['k', 'v', 'EX', 10, 'XX'])).to.equal('idempotent');
    });

    it('is unsafe with GET or NX, whose reply would differ on a second send', () => {
      expect(commandSafety('SET', ['k', 'v', 'get'])).to.equal('unsafe');
      expect(commandSafety('SET', ['k', 'v', 'NX', 'PX', 100])).to.equal('unsafe');
      expect(commandSafety('SET', ['k', 'v', Buffer.from('nx')])).to.equal('unsafe');
    });

    it('does not read the key or the value as an option', () => {
      expect(commandSafety('SET', ['GET', 'NX'])).to.equal('idempotent');
    });
  });

  describe('ZADD', () => {
    it('is idempotent without INCR and unsafe with it', () => {
      expect(commandSafety('ZADD', ['z', 'GT', 'CH', 1, 'a'])).to.equal('idempotent');
      expect(commandSafety('ZADD', ['z', 'INCR', 1, 'a'])).to.equal('unsafe');
    });
  });

  describe('XADD', () => {
    it('is unsafe with an id the server picks and idempotent with an explicit one', () => {
      expect(commandSafety('XADD', ['s', '*', 'f', 'v'])).to.equal('unsafe');
      expect(commandSafety('XADD', ['s', 'MAXLEN', '~', 100, '*', 'f', 'v'])).to.equal('unsafe');
      expect(commandSafety('XADD', ['s', '1700000000000-*', 'f', 'v'])).to.equal('unsafe');
      expect(commandSafety('XADD', ['s', '1700000000000-1', 'f', 'v'])).to.equal('idempotent');
    });
  });

  describe('ZUNIONSTORE and ZINTERSTORE', () => {
    it('are unsafe when the destination is also a source (its scores would add twice)', () => {
      expect(commandSafety('ZUNIONSTORE', ['d', 2, 'a', 'b'])).to.equal('idempotent');
      expect(commandSafety('ZUNIONSTORE', ['d', 2, 'd', 'b'])).to.equal('unsafe');
      expect(commandSafety('ZINTERSTORE', ['d', 1, 'd', 'WEIGHTS', 2])).to.equal('unsafe');
    });
  });

  describe('BITOP', () => {
    it('is unsafe when the destination is also a source', () => {
      expect(commandSafety('BITOP', ['AND', 'd', 'a', 'b'])).to.equal('idempotent');
      expect(commandSafety('BITOP', ['NOT', 'd', 'd'])).to.equal('unsafe');
    });
  });

  describe('a name judged before', () => {
    it('still judges the arguments of each call (only the row is remembered by name)', () => {
      expect(commandSafety('Set', ['k', 'v'])).to.equal('idempotent');
      expect(commandSafety('Set', ['k', 'v', 'NX'])).to.equal('unsafe');
      expect(commandSafety('Set', ['k', 'v'])).to.equal('idempotent');
      expect(commandSafety('xAdd', ['s', '*', 'f', 'v'])).to.equal('unsafe');
      expect(commandSafety('xAdd', ['s', '1-1', 'f', 'v'])).to.equal('idempotent');
    });

    it('gives the same verdicts past the number of names it remembers', () => {
      for (let i = 0; i < 1000; i++) expect(commandSafety(`NOPE${i}`)).to.equal('unsafe');
      expect(commandSafety('gEt', ['k'])).to.equal('read');
      expect(commandSafety('sEt', ['k', 'v', 'GET'])).to.equal('unsafe');
      expect(isBlockingCommand('bLpOp', ['l', 0])).to.equal(true);
      expect(isBlockingCommand('xReAd', ['STREAMS', 's', '0'])).to.equal(false);
      expect(isBlockingCommand('xReAd', ['BLOCK', 0, 'STREAMS', 's', '0'])).to.equal(true);
    });
  });
});

describe('isBlockingCommand', () => {
  it('knows the blocking commands', () => {
    for (const name of blockingCommands) {
      if (name === 'XREAD' || name === 'XREADGROUP') continue;
      expect(isBlockingCommand(name.toLowerCase()), name).to.equal(true);
    }
    expect(isBlockingCommand('GET')).to.equal(false);
  });

  it('judges BLOCK on every call to the same name', () => {
    expect(isBlockingCommand('XRead', ['BLOCK', 0, 'STREAMS', 's', '$'])).to.equal(true);
    expect(isBlockingCommand('XRead', ['STREAMS', 's', '0'])).to.equal(false);
  });

  it('counts XREAD and XREADGROUP as blocking only with BLOCK', () => {
    expect(isBlockingCommand('XREAD', ['STREAMS', 's', '0'])).to.equal(false);
    expect(isBlockingCommand('xread', ['block', 0, 'STREAMS', 's', '$'])).to.equal(true);
    expect(
      isBlockingCommand('XREADGROUP', ['GROUP', 'g', 'c', 'BLOCK', 10, 'STREAMS', 's', '>']),
    ).to.equal(true);
  });

  it('covers every command Redis flags blocking', () => {
    const blocking = Object.entries(shipped)
      .filter(([, spec]) => spec.flags.includes('blocking'))
      .map(([name]) => name.toUpperCase());
    expect(blocking.filter((name) => !blockingCommands.has(name))).to.deep.equal([]);
  });
});
