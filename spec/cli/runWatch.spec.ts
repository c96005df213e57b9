import { expect } from 'chai';
import sinon from 'sinon';
import type { WatchRecord } from '../../src/cli/formatWatchLine.js';
import { parseCliArgs } from '../../src/cli/parseCliArgs.js';
import { runWatch, watchCheckIntervalMs } from '../../src/cli/runWatch.js';
import { accessDenied, FakeTarget, fakeIo, type Outcome, refused } from './FakeTarget.js';

describe('runWatch', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
  });
  afterEach(() => {
    clock.restore();
  });

  function start(
    argv: readonly string[],
    script: readonly Outcome[],
    options: { checks?: readonly Outcome[]; maxRetries?: number } = {},
  ) {
    const command = parseCliArgs(['watch', ...argv]);
    if (command.command !== 'watch') throw new Error('not a watch command');
    const faked = fakeIo();
    const targets: FakeTarget[] = [];
    let code: number | undefined;
    const promise = runWatch(command, faked.io, async (url) => {
      const target = new FakeTarget(url.display, script, {
        ...(options.checks ? { checks: options.checks } : {}),
        ...(options.maxRetries === undefined ? {} : { policy: { maxRetries: options.maxRetries } }),
      });
      targets.push(target);
      return target;
    }).then((result) => (code = result));
    return { ...faked, targets, promise, code: () => code };
  }

  describe('a target that connects', () => {
    it('prints one line per transition and, on Ctrl-C, closes and exits 0', async () => {
      const run = start(['redis://:hunter2@h:1'], ['ok']);
      await clock.tickAsync(10);
      run.interrupt();
      await clock.tickAsync(0);
      expect(run.code()).to.equal(0);
      expect(run.stdout.lines).to.deep.equal([
        '2025-01-01T00:00:00.000Z redis://:***@h:1 idle',
        '2025-01-01T00:00:00.000Z redis://:***@h:1 connecting (attempt 1)',
        '2025-01-01T00:00:00.000Z redis://:***@h:1 connected (attempt 1)',
        '2025-01-01T00:00:00.010Z redis://:***@h:1 closed',
      ]);
      expect(run.targets[0]?.closed).to.equal(1);
      expect(clock.countTimers()).to.equal(0);
    });

    it('checks the connection every second and shows the reconnect when a check fails', async () => {
      const run = start(['redis://h'], ['ok', refused(), 'ok'], {
        checks: ['ok', refused(), 'ok'],
      });
      await clock.tickAsync(2 * watchCheckIntervalMs + 600);
      run.interrupt();
      await run.promise;
      const statuses = run.stdout.lines.map((line) => line.split(' ').slice(2).join(' '));
      expect(statuses).to.deep.equal([
        'idle',
        'connecting (attempt 1)',
        'connected (attempt 1)',
        'connecting (attempt 1)',
        'retrying 1 in 500 ms: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)',
        'connecting (attempt 2)',
        'connected (attempt 2)',
        'closed',
      ]);
      expect(run.targets[0]?.checks).to.equal(2);
    });
  });

  describe('--json', () => {
    it('prints one JSON object per line, errors as code and redacted message', async () => {
      const leaky = Object.assign(new Error('connect to redis://:hunter2@h failed'), {
        code: 'ECONNREFUSED',
      });
      const run = start(['--json', 'redis://:hunter2@h'], [leaky, 'ok']);
      await clock.tickAsync(600);
      run.interrupt();
      await run.promise;
      expect(run.stdout.text).to.not.include('hunter2');
      const records = run.stdout.lines.map((line) => JSON.parse(line) as WatchRecord);
      expect(records.map((r) => r.status)).to.deep.equal([
        'idle',
        'connecting',
        'retrying',
        'connecting',
        'connected',
        'closed',
      ]);
      expect(records[2]).to.deep.equal({
        time: '2025-01-01T00:00:00.000Z',
        target: 'redis://:***@h:6379',
        status: 'retrying',
        retry: 1,
        delayMs: 500,
        error: { code: 'ECONNREFUSED', message: 'connect to redis://:***@h failed' },
      });
      expect(records[4]).to.deep.include({ status: 'connected', attempt: 2 });
    });
  });

  describe('a target whose retries are used up', () => {
    it('says a new round follows and keeps connecting', async () => {
      const run = start(['--json', 'redis://h'], [refused(), refused(), 'ok'], { maxRetries: 0 });
      await clock.tickAsync(1000);
      run.interrupt();
      expect(await run.promise).to.equal(0);
      const records = run.stdout.lines.map((line) => JSON.parse(line) as WatchRecord);
      const failed = records.filter((r) => r.status === 'failed');
      expect(failed).to.have.length(2);
      expect(failed[0]).to.deep.include({ final: false });
      expect(records.at(-2)).to.deep.include({ status: 'connected' });
    });
  });

  describe('when every target fails with an error not worth retrying', () => {
    it('exits 1 with a final failed line', async () => {
      const run = start(['mysql://app:hunter2@db/shop'], [accessDenied()]);
      await clock.tickAsync(0);
      expect(run.code()).to.equal(1);
      expect(run.stdout.lines[2]).to.equal(
        "2025-01-01T00:00:00.000Z mysql://app:***@db:3306/shop failed: ER_ACCESS_DENIED_ERROR (Access denied for user 'app'@'localhost' (using password: YES)), not retried",
      );
      expect(run.stdout.text).to.not.include('hunter2');
    });
  });
});
