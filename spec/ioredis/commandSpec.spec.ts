import { expect } from 'chai';
import { commandSpec, commandSpecWith } from '../../src/ioredis/commandSpec.js';
import { commandSafety, commandTable } from '../../src/ioredis/commandTable.js';

describe('commandSpec', () => {
  it('gives every call of a command the same frozen spec (no allocation per call)', () => {
    const first = commandSpec('GET', ['a']);
    expect(commandSpec('GET', ['b'])).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(Object.isFrozen(first.options)).to.equal(true);
    expect(first).to.deep.equal({
      ioredisName: 'get',
      options: { description: 'GET', idempotent: true },
    });
  });

  it('names the command upper case for the manager and lower case for ioredis, whatever the spelling', () => {
    for (const name of ['hgetall', 'HGETALL', 'hGetAll']) {
      const spec = commandSpec(name, ['h']);
      expect(spec.ioredisName).to.equal('hgetall');
      expect(spec.options.description).to.equal('HGETALL');
    }
  });

  it('agrees with the command table for every fixed row, in any case', () => {
    for (const [name, rule] of Object.entries(commandTable)) {
      if (typeof rule === 'function') continue;
      const expected = rule !== 'unsafe';
      expect(commandSpec(name, []).options.idempotent, name).to.equal(expected);
      expect(commandSpec(name.toLowerCase(), []).options.idempotent, name).to.equal(expected);
    }
  });

  it('judges the arguments on every call for a row that depends on them', () => {
    expect(commandSpec('SET', ['k', 'v']).options.idempotent).to.equal(true);
    expect(commandSpec('SET', ['k', 'v', 'NX']).options.idempotent).to.equal(false);
    expect(commandSpec('SET', ['k', 'v']).options.idempotent).to.equal(true);
    expect(commandSpec('set', ['k', 'v', 'EX', 10, 'get']).options.idempotent).to.equal(false);
    expect(commandSpec('XADD', ['s', '*', 'f', 'v']).options.idempotent).to.equal(false);
    expect(commandSpec('XADD', ['s', '1-1', 'f', 'v']).options.idempotent).to.equal(true);
  });

  it('calls a command the table does not know unsafe', () => {
    expect(commandSpec('FROB.NICATE', ['x']).options.idempotent).to.equal(false);
  });

  it('still judges correctly once the cache of name spellings is full', () => {
    for (let i = 0; i < 600; i++) commandSpec(`UNKNOWN.${i}`, []);
    expect(commandSpec('gEtRaNgE', ['k', 0, 1]).options).to.deep.equal({
      description: 'GETRANGE',
      idempotent: true,
    });
    expect(commandSpec('iNcR', ['k']).options.idempotent).to.equal(false);
    expect(commandSpec('UNKNOWN.700', []).options.idempotent).to.equal(false);
  });
});

describe('commandSpecWith', () => {
  it('takes the caller’s verdict over the table’s', () => {
    expect(commandSpecWith('GET', false).options).to.deep.equal({
      description: 'GET',
      idempotent: false,
    });
    expect(commandSpecWith('EVALSHA', true).options).to.deep.equal({
      description: 'EVALSHA',
      idempotent: true,
    });
  });

  it('leaves the verdict of later calls without an override to the table', () => {
    commandSpecWith('GET', false);
    commandSpecWith('INCR', true);
    commandSpecWith('SET', false);
    expect(commandSpec('GET', ['k']).options.idempotent).to.equal(true);
    expect(commandSpec('INCR', ['k']).options.idempotent).to.equal(false);
    expect(commandSpec('SET', ['k', 'v']).options.idempotent).to.equal(true);
    expect(commandSafety('INCR')).to.equal('unsafe');
  });

  it('shares the frozen specs of the name', () => {
    expect(commandSpecWith('GET', true)).to.equal(commandSpec('GET', ['k']));
    expect(commandSpecWith('INCR', false)).to.equal(commandSpec('INCR', ['k']));
  });
});
