import { expect } from 'chai';
import sinon from 'sinon';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import { DatabaseConnectionRetry } from '../../src/reference/DatabaseConnectionRetry.js';
import { mysqlRetryDefaults } from '../../src/retry/RetryOptions.js';
import { accessDenied, codeError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { recordingLogger } from '../helpers/telemetry.js';

/** The reference design's ConnectionError("Connection failed"), as Node reports a refused connect. */
const connectionError = (message = 'Connection failed'): Error =>
  codeError('ECONNREFUSED', -111, message);

class MockConnection {
  closed = false;
  destroy(): void {
    this.closed = true;
  }
}

describe('DatabaseConnectionRetry', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  describe('constructor', () => {
    it('resolves the reference defaults into a frozen policy', () => {
      const retry = new DatabaseConnectionRetry();
      expect(retry.policy).to.deep.equal(mysqlRetryDefaults);
      expect(Object.isFrozen(retry.policy)).to.be.true;
      expect(new DatabaseConnectionRetry({ maxRetries: 5 }).policy.maxRetries).to.equal(5);
    });

    it('rejects an unknown key (a typo) or a malformed value with a ConfigurationError naming it', () => {
      for (const [options, option] of [
        [{ maxRetriez: 3 }, 'maxRetriez'],
        [{ max_retries: 3 }, 'max_retries'],
        [{ baseDelayMs: -1 }, 'baseDelayMs'],
        [{ baseDelayMs: 5000, maxDelayMs: 1000 }, 'maxDelayMs'],
      ] as const) {
        expect(() => new DatabaseConnectionRetry(options as never), option)
          .to.throw()
          .that.includes({ code: 'ERR_HOLDFAST_CONFIG', option });
      }
    });
  });

  describe('connectWithRetry()', () => {
    it('fails twice, then succeeds: 3 attempts (the reference design unit test)', async () => {
      const retry = new DatabaseConnectionRetry({ maxRetries: 3 });
      let attempts = 0;
      const connect = (): MockConnection => {
        attempts += 1;
        if (attempts < 3) throw connectionError();
        return new MockConnection();
      };
      const conn = settled(retry.connectWithRetry(connect));
      await clock.tickAsync(1500 + 3000); // the longest jittered waits, 1 s x 1.5 and 2 s x 1.5
      expect(conn.value).to.be.instanceOf(MockConnection);
      expect(conn.value?.closed).to.be.false;
      expect(attempts).to.equal(3);
      expect(clock.countTimers()).to.equal(0);
    });

    it('logs the reference design lines word for word', async () => {
      const log = recordingLogger();
      const retry = new DatabaseConnectionRetry({ logger: log.logger });
      let attempts = 0;
      const ok = settled(
        retry.connectWithRetry(() => {
          attempts += 1;
          if (attempts < 2) throw connectionError('Connection refused');
          return new MockConnection();
        }, 'mysql-main'),
      );
      await clock.tickAsync(1500);
      expect(ok.state).to.equal('resolved');
      expect(log.messages('info')).to.deep.equal([
        'Attempting to connect to mysql-main',
        'Successfully connected to mysql-main',
      ]);

      const failing = settled(
        retry.connectWithRetry(() => {
          throw connectionError('Connection refused');
        }, 'mysql-main'),
      );
      await clock.tickAsync(1500 + 3000 + 6000);
      expect(failing.error).to.be.instanceOf(RetriesExhaustedError);
      expect(log.messages('info').slice(2)).to.deep.equal(['Attempting to connect to mysql-main']);
      expect(log.messages('error')).to.deep.equal([
        'Failed to connect to mysql-main after 3 retries: Connection refused',
      ]);
    });

    it('counts in the singular for one retry, in the log line, the success line and the error', async () => {
      const log = recordingLogger();
      const retry = new DatabaseConnectionRetry({
        logger: log.logger,
        maxRetries: 1,
        baseDelayMs: 10,
        maxDelayMs: 100,
      });
      const failing = settled(
        retry.connectWithRetry(() => {
          throw connectionError('Connection refused');
        }, 'mysql-main'),
      );
      let calls = 0;
      const succeeding = settled(
        retry.executeWithRetry(() => {
          calls += 1;
          if (calls < 2) throw connectionError('Connection refused');
          return 'ok';
        }, 'fetch users'),
      );
      await clock.tickAsync(100);
      expect(succeeding.value).to.equal('ok');
      expect(log.messages('error')).to.deep.equal([
        'Failed to connect to mysql-main after 1 retry: Connection refused',
      ]);
      expect(log.messages('info')).to.include('execute fetch users succeeded after 1 retry');
      expect((failing.error as Error).message).to.not.match(/\b1 retries\b/);
    });

    it('raises RetriesExhaustedError with the last error as cause after maxRetries', async () => {
      const retry = new DatabaseConnectionRetry({
        maxRetries: 2,
        baseDelayMs: 10,
        maxDelayMs: 100,
      });
      const errors = [1, 2, 3].map((n) => connectionError(`refused ${n}`));
      const result = settled(retry.connectWithRetry(() => Promise.reject(errors.shift()!), 'db'));
      await clock.tickAsync(100);
      expect(result.error).to.be.instanceOf(RetriesExhaustedError);
      expect(result.error).to.include({ attempts: 3, target: 'db' });
      expect((result.error as RetriesExhaustedError).cause).to.have.property(
        'message',
        'refused 3',
      );
    });

    it('tries an authentication error once and raises it as it is', async () => {
      const retry = new DatabaseConnectionRetry();
      const denied = accessDenied();
      let attempts = 0;
      const error = await retry
        .connectWithRetry(() => {
          attempts += 1;
          throw denied;
        })
        .catch((e: unknown) => e);
      expect(error).to.equal(denied);
      expect(attempts).to.equal(1);
    });

    it('aborts a hanging attempt after 10 s and closes what it opens late', async () => {
      const retry = new DatabaseConnectionRetry({ maxRetries: 1, baseDelayMs: 10, maxDelayMs: 10 });
      const late = new MockConnection();
      let release: ((c: MockConnection) => void) | undefined;
      const signals: AbortSignal[] = [];
      const result = settled(
        retry.connectWithRetry((signal) => {
          signals.push(signal);
          return signals.length === 1
            ? new Promise<MockConnection>((resolve) => (release = resolve))
            : new MockConnection();
        }),
      );
      await clock.tickAsync(10_000 + 10);
      expect(signals[0]?.aborted).to.be.true;
      expect(result.value).to.be.instanceOf(MockConnection);
      release?.(late);
      await clock.tickAsync(0);
      expect(late.closed).to.be.true;
      expect(result.value?.closed).to.be.false;
    });
  });

  describe('executeWithRetry()', () => {
    it('retries a transient failure and returns the result (the caller vouches fn may rerun)', async () => {
      const retry = new DatabaseConnectionRetry();
      let calls = 0;
      const rows = settled(
        retry.executeWithRetry(() => {
          calls += 1;
          if (calls < 2) throw codeError('PROTOCOL_CONNECTION_LOST');
          return [{ id: 1 }];
        }, 'fetch users'),
      );
      await clock.tickAsync(1500);
      expect(rows.value).to.deep.equal([{ id: 1 }]);
      expect(calls).to.equal(2);
    });

    it('raises a syntax error at once', async () => {
      const retry = new DatabaseConnectionRetry();
      const syntax = codeError('ER_PARSE_ERROR', 1064);
      let calls = 0;
      const error = await retry
        .executeWithRetry(() => {
          calls += 1;
          throw syntax;
        })
        .catch((e: unknown) => e);
      expect(error).to.equal(syntax);
      expect(calls).to.equal(1);
      expect(isHoldfastError(error)).to.be.false;
    });
  });
});
