import { expect } from 'chai';
import { Command } from 'ioredis';
import { idempotentMark, isSafeToResend } from '../../src/ioredis/isSafeToResend.js';

function command(name: string, args: string[], extra: object): Command {
  const made = Object.assign(new Command(name, args), extra);
  made.promise.catch(() => undefined);
  return made;
}

describe('isSafeToResend', () => {
  const cases: [string, string[], object, boolean][] = [
    ['get', ['k'], {}, true],
    ['set', ['k', 'v'], {}, true],
    ['set', ['k', 'v', 'NX'], {}, false],
    ['incr', ['k'], {}, false],
    ['incr', ['k'], { [idempotentMark]: true }, true],
    ['evalsha', ['sha', '0'], {}, false],
    ['evalsha', ['sha', '0'], { isReadOnly: true }, true],
    ['select', ['1'], {}, true],
    ['subscribe', ['ch'], {}, true],
    ['bzpopmin', ['k', '1'], {}, false],
  ];
  for (const [name, args, extra, safe] of cases) {
    it(`${name} ${args.join(' ')} ${Object.keys(extra).length > 0 || Object.getOwnPropertySymbols(extra).length > 0 ? '(marked) ' : ''}is ${safe ? 'safe' : 'unsafe'}`, () => {
      expect(isSafeToResend(command(name, args, extra))).to.equal(safe);
    });
  }
});
