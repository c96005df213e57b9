import { expect } from 'chai';
import type { Command } from 'ioredis';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import {
  type ClusterRetryDelays,
  type ClusterRetryHost,
  guardClusterCommand,
} from '../../src/ioredis/clusterCommandRetry.js';
import { idempotentMark } from '../../src/ioredis/isSafeToResend.js';
import { RetryDecider } from '../../src/retry/RetryDecider.js';
import { redisRetryDefaults } from '../../src/retry/RetryOptions.js';
import { resolveRetryPolicy } from '../../src/retry/resolveRetryPolicy.js';
import { replyError } from '../helpers/fakeErrors.js';

/** What ioredis 6 rejects a command with when its node connection closed. */
const connectionClosed = (): Error => new Error('Connection is closed.');

interface Fixture {
  readonly reject: (error: Error) => void;
  readonly routed: { error: Error; delays: ClusterRetryDelays }[];
  readonly settled: unknown[];
  readonly host: ClusterRetryHost;
  readonly command: Command;
  now: number;
}

/** A guarded command; `written` says whether the node wrote it before the error. */
function guarded(name: string, args: string[], written: boolean, extra: object = {}): Fixture {
  const delays: ClusterRetryDelays = {
    retryDelayOnFailover: 1,
    retryDelayOnClusterDown: 1,
    retryDelayOnTryAgain: 1,
  };
  const command = { name, args, ...extra } as unknown as Command;
  const fixture = {
    routed: [] as Fixture['routed'],
    settled: [] as unknown[],
    now: 0,
  } as Fixture;
  const host: ClusterRetryHost = {
    decider: new RetryDecider({
      policy: resolveRetryPolicy(
        { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000, jitter: 'none' },
        redisRetryDefaults,
      ),
      classifier: new ErrorClassifier({ tables: ['redis'] }),
      random: () => 0.5,
      target: 'cluster-spec',
    }),
    clock: { now: () => fixture.now } as ClusterRetryHost['clock'],
    targetName: 'cluster-spec',
    delays,
    written: new WeakSet<Command>(),
  };
  if (written) host.written.add(command);
  return Object.assign(fixture, {
    host,
    command,
    reject: guardClusterCommand(
      command,
      host,
      (error) => fixture.settled.push(error),
      (error) => fixture.routed.push({ error, delays: { ...delays } }),
    ),
  });
}

describe('guardClusterCommand', () => {
  describe('errors ioredis handles itself', () => {
    for (const message of [
      'MOVED 3999 127.0.0.1:7001',
      'ASK 3999 127.0.0.1:7001',
      'WRONGTYPE no',
    ]) {
      it(`routes ${message.split(' ')[0]} to ioredis untouched`, () => {
        const f = guarded('incr', ['k'], true);
        const error = replyError(message);
        f.reject(error);
        expect(f.routed.map((r) => r.error)).to.deep.equal([error]);
        expect(f.settled).to.deep.equal([]);
      });
    }

    it('forgets that the command was written: the next node may not have it', () => {
      const f = guarded('incr', ['k'], true);
      f.reject(replyError('MOVED 3999 127.0.0.1:7001'));
      f.reject(connectionClosed());
      expect(f.settled).to.deep.equal([]);
      expect(f.routed).to.have.length(2);
    });
  });

  describe('a node connection closed', () => {
    it('fails a written INCR with OutcomeUnknownError, never re-sent', () => {
      const f = guarded('incr', ['k'], true);
      f.reject(connectionClosed());
      expect(f.routed).to.deep.equal([]);
      expect(f.settled).to.have.length(1);
      expect(f.settled[0]).to.have.property('code', 'ERR_HOLDFAST_OUTCOME_UNKNOWN');
    });

    it('retries an INCR that was only queued, after the policy delay', () => {
      const f = guarded('incr', ['k'], false);
      f.reject(connectionClosed());
      expect(f.settled).to.deep.equal([]);
      expect(f.routed[0]?.delays.retryDelayOnFailover).to.equal(100);
      expect(f.host.delays.retryDelayOnFailover, 'restored after routing').to.equal(1);
    });

    // The client's rule (isSafeToResend), not a second one: a caller's mark and readOnly count.
    for (const [label, extra] of [
      ['sent through `.idempotent`', { [idempotentMark]: true }],
      ['a script defined readOnly', { isReadOnly: true }],
    ] as const) {
      it(`retries a written INCR ${label}`, () => {
        const f = guarded('incr', ['k'], true, extra);
        f.reject(connectionClosed());
        expect(f.settled).to.deep.equal([]);
        expect(f.routed).to.have.length(1);
      });
    }

    it('retries a written GET with the backoff of each retry', () => {
      const f = guarded('get', ['k'], true);
      f.reject(connectionClosed());
      f.host.written.add(f.command);
      f.reject(connectionClosed());
      expect(f.routed.map((r) => r.delays.retryDelayOnFailover)).to.deep.equal([100, 200]);
    });

    it('stops with RetriesExhaustedError when the policy is used up', () => {
      const f = guarded('get', ['k'], false);
      for (let i = 0; i < 3; i++) f.reject(connectionClosed());
      expect(f.routed).to.have.length(2);
      expect(f.settled[0]).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
    });
  });

  describe('CLUSTERDOWN and TRYAGAIN', () => {
    for (const [prefix, option] of [
      ['CLUSTERDOWN', 'retryDelayOnClusterDown'],
      ['TRYAGAIN', 'retryDelayOnTryAgain'],
    ] as const) {
      it(`retries a written INCR refused with ${prefix} (it did not run)`, () => {
        const f = guarded('incr', ['k'], true);
        f.reject(replyError(`${prefix} try later`));
        expect(f.settled).to.deep.equal([]);
        expect(f.routed[0]?.delays[option]).to.equal(100);
      });
    }
  });
});
