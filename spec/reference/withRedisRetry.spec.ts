import { expect } from 'chai';
import sinon from 'sinon';
import { withRedisRetry } from '../../src/reference/withRedisRetry.js';
import { codeError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { recordingLogger } from '../helpers/telemetry.js';

describe('withRedisRetry', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('runs the wrapped function with its arguments and this, retrying a dropped connection', async () => {
    const owner = { prefix: 'user:' };
    let calls = 0;
    const fetchUser = withRedisRetry({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 })(
      function (this: typeof owner, id: string) {
        calls += 1;
        if (calls < 3) throw codeError('ECONNRESET');
        return Promise.resolve(this.prefix + id);
      },
    );
    const result = settled(fetchUser.call(owner, '42'));
    await clock.tickAsync(150 + 300);
    expect(result.value).to.equal('user:42');
    expect(calls).to.equal(3);
  });

  it('describes the operation by the function name in log lines', async () => {
    const log = recordingLogger();
    const getValue = withRedisRetry({ maxRetries: 0, logger: log.logger })(function getValue() {
      return Promise.reject(codeError('ECONNREFUSED'));
    });
    await getValue().catch(() => undefined);
    expect(log.messages('error').join('\n')).to.include('getValue');
  });

  it('validates the options when wrapping, not when calling', () => {
    expect(() => withRedisRetry({ maxRetriez: 3 } as never))
      .to.throw()
      .with.property('option', 'maxRetriez');
  });
});
