import { expect } from 'chai';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { isUnsent } from '../../src/classify/unsent.js';
import { fromIoredisError, notWritableError } from '../../src/ioredis/fromIoredisError.js';
import { RedisConnectionError } from '../../src/ioredis/RedisConnectionError.js';
import { replyError } from '../helpers/fakeErrors.js';

/** ioredis's message for a command rejected by a closed connection (no code, no class). */
const connectionClosedMessage = 'Connection is closed.';

const classifier = new ErrorClassifier({ tables: ['redis'] });

/** ioredis's MaxRetriesPerRequestError and AbortError carry their class name in `name`. */
function named(name: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

describe('fromIoredisError', () => {
  describe('a connection error ioredis raises without a code', () => {
    const cases = [
      [
        '"Connection is closed."',
        new Error(connectionClosedMessage),
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
        false,
      ],
      [
        'MaxRetriesPerRequestError',
        named(
          'MaxRetriesPerRequestError',
          'Reached the max retries per request limit (which is 0).',
        ),
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
        false,
      ],
      [
        'AbortError (aborted pipeline)',
        named('AbortError', 'Command aborted due to connection close'),
        'ERR_HOLDFAST_REDIS_CONNECTION_CLOSED',
        false,
      ],
      [
        '"Stream isn\'t writeable ..."',
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
        'ERR_HOLDFAST_REDIS_NOT_WRITABLE',
        true,
      ],
      [
        '"Command timed out"',
        new Error('Command timed out'),
        'ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT',
        false,
      ],
      [
        '"All sentinels are unreachable ..." (no master during a failover)',
        new Error('All sentinels are unreachable and retry is disabled.'),
        'ERR_HOLDFAST_REDIS_NO_MASTER',
        true,
      ],
    ] as const;
    for (const [what, original, code, unsent] of cases) {
      it(`turns ${what} into ${code}${unsent ? ', marked unsent' : ''}`, () => {
        const converted = fromIoredisError(original, 'GET');
        expect(converted).to.be.instanceOf(RedisConnectionError);
        expect((converted as RedisConnectionError).code).to.equal(code);
        expect((converted as RedisConnectionError).command).to.equal('GET');
        expect((converted as Error).cause).to.equal(original);
        expect(isUnsent(converted)).to.equal(unsent);
        expect(classifier.classify(converted)).to.include({
          kind: 'transient',
          connectionLost: true,
        });
      });
    }
  });

  describe('a server error reply', () => {
    it('is returned as it is, and the classifier reads its prefix', () => {
      const error = replyError('WRONGTYPE Operation against a key holding the wrong kind of value');
      expect(fromIoredisError(error, 'LPUSH')).to.equal(error);
      expect(isUnsent(error)).to.equal(false);
      expect(classifier.classify(error).kind).to.equal('fatal');
    });

    for (const prefix of ['LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY']) {
      it(`marks ${prefix} unsent (the server refused the command unrun) and retryable`, () => {
        const error = replyError(`${prefix} something`);
        expect(fromIoredisError(error, 'INCR')).to.equal(error);
        expect(isUnsent(error)).to.equal(true);
        expect(classifier.classify(error).kind).to.not.equal('fatal');
      });
    }

    it('scrubs the password from a HELLO AUTH reply error', () => {
      const error = Object.assign(replyError('WRONGPASS invalid username-password pair'), {
        command: { name: 'hello', args: ['3', 'AUTH', 'default', 'pa55word'] },
      });
      fromIoredisError(error, 'connect');
      expect(error.command).to.deep.equal({ name: 'hello', args: ['3', '***', '***', '***'] });
      expect(classifier.classify(error).kind).to.equal('fatal');
    });
  });

  describe('a socket error with a code', () => {
    it('is returned as it is', () => {
      const error = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      expect(fromIoredisError(error, 'GET')).to.equal(error);
    });
  });

  describe('anything else', () => {
    it('is returned as it is (and stays fatal: not understood, not retried)', () => {
      const error = new TypeError('bad argument');
      expect(fromIoredisError(error, 'GET')).to.equal(error);
      expect(fromIoredisError('a string', 'GET')).to.equal('a string');
      expect(classifier.classify(new Error('Something new')).kind).to.equal('fatal');
    });
  });
});

describe('notWritableError', () => {
  it('is an unsent ERR_HOLDFAST_REDIS_NOT_WRITABLE naming the command', () => {
    const error = notWritableError('INCR', 'the connection is not ready (ioredis status end)');
    expect(error.code).to.equal('ERR_HOLDFAST_REDIS_NOT_WRITABLE');
    expect(error.name).to.equal('RedisConnectionError');
    expect(isUnsent(error)).to.equal(true);
  });
});
