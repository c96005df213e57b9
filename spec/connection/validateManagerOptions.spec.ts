import { expect } from 'chai';
import { validateManagerOptions } from '../../src/connection/validateManagerOptions.js';

const connect = (): Promise<number> => Promise.resolve(1);

describe('validateManagerOptions', () => {
  it('returns connectTimeoutMs with its default of 10000', () => {
    expect(validateManagerOptions({ name: 'x', connect })).to.equal(10_000);
    expect(validateManagerOptions({ name: 'x', connect, connectTimeoutMs: 250 })).to.equal(250);
  });

  const bad: [string, unknown][] = [
    ['name', { connect }],
    ['name', { name: 7, connect }],
    ['connect', { name: 'x' }],
    ['disconnect', { name: 'x', connect, disconnect: 'no' }],
    ['lost', { name: 'x', connect, lost: {} }],
    ['mapError', { name: 'x', connect, mapError: 'convert' }],
    ['random', { name: 'x', connect, random: 0.5 }],
    ['connectTimeoutMs', { name: 'x', connect, connectTimeoutMs: Number.NaN }],
    ['connectTimeoutMs', { name: 'x', connect, connectTimeoutMs: 2 ** 31 }],
    ['conect', { name: 'x', connect, conect: connect }],
  ];
  for (const [option, options] of bad) {
    it(`names \`${option}\` in the ConfigurationError for ${JSON.stringify(options)}`, () => {
      expect(() => validateManagerOptions(options as never))
        .to.throw()
        .that.includes({ code: 'ERR_HOLDFAST_CONFIG', option });
    });
  }

  it('rejects a non-object', () => {
    expect(() => validateManagerOptions(null as never))
      .to.throw()
      .with.property('code', 'ERR_HOLDFAST_CONFIG');
  });
});
