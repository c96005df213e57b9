import { expect } from 'chai';
import { nobodyListening } from '../../src/classify/nobodyListening.js';

const coded = (code: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(code), { code, ...extra });

describe('nobodyListening', () => {
  const yes: [string, unknown][] = [
    ['ECONNREFUSED', coded('ECONNREFUSED', { errno: -111, syscall: 'connect' })],
    ['ENOENT from connect (no unix socket)', coded('ENOENT', { syscall: 'connect' })],
    [
      'ECONNREFUSED as the cause of a wrapper',
      new Error('wrapped', { cause: coded('ECONNREFUSED') }),
    ],
    [
      'ECONNREFUSED two causes deep under a coded wrapper',
      Object.assign(new Error('x', { cause: new Error('y', { cause: coded('ECONNREFUSED') }) }), {
        code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED',
      }),
    ],
    [
      'an AggregateError whose every address refused',
      new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]),
    ],
  ];
  const no: [string, unknown][] = [
    ['ETIMEDOUT (a blackhole)', coded('ETIMEDOUT')],
    ['ECONNRESET', coded('ECONNRESET')],
    ['EHOSTUNREACH', coded('EHOSTUNREACH')],
    ['ENOENT from open (a missing file)', coded('ENOENT', { syscall: 'open' })],
    ['ER_ACCESS_DENIED_ERROR', coded('ER_ACCESS_DENIED_ERROR', { errno: 1045 })],
    ['ER_CON_COUNT_ERROR (too many connections)', coded('ER_CON_COUNT_ERROR', { errno: 1040 })],
    ['ER_HOST_IS_BLOCKED', coded('ER_HOST_IS_BLOCKED', { errno: 1129 })],
    ['Redis LOADING', new Error('LOADING Redis is loading the dataset in memory')],
    ['Redis WRONGPASS', new Error('WRONGPASS invalid username-password pair')],
    [
      'an AggregateError with one address timing out',
      new AggregateError([coded('ECONNREFUSED'), coded('ETIMEDOUT')]),
    ],
    ['an empty AggregateError', new AggregateError([])],
    ['undefined', undefined],
    ['a string', 'ECONNREFUSED'],
  ];
  for (const [name, error] of yes) {
    it(`is true for ${name}`, () => {
      expect(nobodyListening(error)).to.equal(true);
    });
  }
  for (const [name, error] of no) {
    it(`is false for ${name}`, () => {
      expect(nobodyListening(error)).to.equal(false);
    });
  }

  it('stops after five causes (a cycle does not hang it)', () => {
    const looped = new Error('a') as Error & { cause: unknown };
    looped.cause = looped;
    expect(nobodyListening(looped)).to.equal(false);
  });
});
