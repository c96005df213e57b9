// The reference design's shortcuts: withDbRetry / withRedisRetry wrap a function, and dbRetry /
// redisRetry decorate a method, each over a DatabaseConnectionRetry or RedisConnectionRetry. The
// two families differ only in their defaults, so one table of cases runs against both.
import { expect } from 'chai';
import sinon from 'sinon';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { ConnectionRetryOptions } from '../../src/reference/ConnectionRetryOptions.js';
import { dbRetry } from '../../src/reference/dbRetry.js';
import { redisRetry } from '../../src/reference/redisRetry.js';
import type { RetryMethodDecorator } from '../../src/reference/retryMethod.js';
import { withDbRetry } from '../../src/reference/withDbRetry.js';
import { withRedisRetry } from '../../src/reference/withRedisRetry.js';
import { codeError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { recordingLogger } from '../helpers/telemetry.js';

type Decorator = (options?: ConnectionRetryOptions) => RetryMethodDecorator;

/** A class whose `fetch` fails `failures` times, decorated with `decorator`. */
function usersClass(decorator: Decorator) {
  return class Users {
    calls = 0;
    constructor(private readonly failures: number) {}

    @decorator({ maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 })
    async fetch(id: string): Promise<string> {
      this.calls += 1;
      if (this.calls <= this.failures) throw codeError('ECONNRESET');
      return Promise.resolve(`user ${id}`);
    }
  };
}

for (const [wrapName, wrap, decoratorName, decorator] of [
  ['withDbRetry', withDbRetry, 'dbRetry', dbRetry],
  ['withRedisRetry', withRedisRetry, 'redisRetry', redisRetry],
] as const) {
  describe(`${wrapName} and ${decoratorName}`, () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers();
    });
    afterEach(() => {
      clock.restore();
    });

    describe(wrapName, () => {
      it('runs the wrapped function with its arguments and this, retrying a dropped connection', async () => {
        const owner = { prefix: 'user:' };
        let calls = 0;
        const fetchUser = wrap({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 })(function (
          this: typeof owner,
          id: string,
        ) {
          calls += 1;
          if (calls < 3) throw codeError('ECONNRESET');
          return Promise.resolve(this.prefix + id);
        });
        const result = settled(fetchUser.call(owner, '42'));
        await clock.tickAsync(150 + 300);
        expect(result.value).to.equal('user:42');
        expect(calls).to.equal(3);
      });

      it('describes the operation by the function name in log lines', async () => {
        const log = recordingLogger();
        const getValue = wrap({ maxRetries: 0, logger: log.logger })(function getValue() {
          return Promise.reject(codeError('ECONNREFUSED'));
        });
        await getValue().catch(() => undefined);
        expect(log.messages('error').join('\n')).to.include('getValue');
      });

      it('validates the options when wrapping, not when calling', () => {
        expect(() => wrap({ maxRetriez: 3 } as never))
          .to.throw()
          .with.property('option', 'maxRetriez');
      });
    });

    describe(decoratorName, () => {
      it('retries the decorated method with its instance and arguments (TC39 decorator)', async () => {
        const users = new (usersClass(decorator))(2);
        const result = settled(users.fetch('7'));
        await clock.tickAsync(150 + 300);
        expect(result.value).to.equal('user 7');
        expect(users.calls).to.equal(3);
      });

      it('gives up after maxRetries, naming Class.method in the error', async () => {
        const users = new (usersClass(decorator))(10);
        const result = settled(users.fetch('7'));
        await clock.tickAsync(2000);
        expect(result.error).to.be.instanceOf(RetriesExhaustedError).with.property('attempts', 3);
        expect((result.error as Error).message).to.include('Users.fetch');
      });

      it('validates its options when the class is defined', () => {
        expect(() => decorator({ baseDelayMs: -5 }))
          .to.throw()
          .with.property('option', 'baseDelayMs');
      });
    });
  });
}
