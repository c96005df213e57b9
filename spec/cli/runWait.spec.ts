import { expect } from 'chai';
import sinon from 'sinon';
import type { CliTarget } from '../../src/cli/CliTarget.js';
import { parseCliArgs } from '../../src/cli/parseCliArgs.js';
import { interruptedExitCode, runWait } from '../../src/cli/runWait.js';
import { accessDenied, FakeTarget, fakeIo, type Outcome, refused } from './FakeTarget.js';

type Started = {
  done: () => boolean;
  code: () => number | undefined;
  promise: Promise<number>;
};

describe('runWait', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    clock.restore();
  });

  function start(
    argv: readonly string[],
    scripts: Readonly<
      Record<string, { script: readonly Outcome[]; maxRetries?: number; baseDelayMs?: number }>
    >,
    options: { tty?: boolean } = {},
  ): Started & ReturnType<typeof fakeIo> & { targets: FakeTarget[] } {
    const command = parseCliArgs(['wait', ...argv]);
    if (command.command !== 'wait') throw new Error('not a wait command');
    const faked = fakeIo(options);
    const targets: FakeTarget[] = [];
    let code: number | undefined;
    const promise = runWait(command, faked.io, async (url): Promise<CliTarget> => {
      const entry = Object.entries(scripts).find(([key]) => url.display.includes(key));
      const target = new FakeTarget(url.display, entry?.[1].script ?? ['ok'], {
        policy: {
          ...(entry?.[1].maxRetries === undefined ? {} : { maxRetries: entry[1].maxRetries }),
          ...(entry?.[1].baseDelayMs === undefined ? {} : { baseDelayMs: entry[1].baseDelayMs }),
        },
      });
      targets.push(target);
      return target;
    }).then((result) => {
      code = result;
      return result;
    });
    return { ...faked, targets, promise, done: () => code !== undefined, code: () => code };
  }

  describe('when every target connects', () => {
    it('exits 0 with one ready line per target and a summary', async () => {
      const run = start(['redis://127.0.0.1:6379', 'mysql://root@127.0.0.1:3306/test'], {});
      await clock.tickAsync(0);
      expect(run.code()).to.equal(0);
      expect(run.stdout.lines).to.include('redis://127.0.0.1:6379 ready after 1 attempt (0 ms)');
      expect(run.stdout.lines).to.include(
        'mysql://root@127.0.0.1:3306/test ready after 1 attempt (0 ms)',
      );
      expect(run.stdout.lines.at(-1)).to.equal('holdfast: 2 targets ready in 0 ms');
      expect(run.stderr.text).to.equal('');
    });

    it('prints attempt, next delay and last error code while the target retries', async () => {
      const run = start(['--timeout', '10', 'redis://:hunter2@h:1'], {
        'h:1': { script: [refused(), refused(), 'ok'] },
      });
      await clock.tickAsync(1499);
      expect(run.done()).to.equal(false);
      await clock.tickAsync(1);
      expect(run.code()).to.equal(0);
      expect(run.stdout.lines).to.deep.equal([
        'holdfast: waiting for 1 target (timeout 10.0 s)',
        'redis://:***@h:1 waiting',
        'redis://:***@h:1 attempt 1: connecting',
        'redis://:***@h:1 attempt 1 failed: ECONNREFUSED; next attempt in 500 ms',
        'redis://:***@h:1 attempt 2: connecting (last error ECONNREFUSED)',
        'redis://:***@h:1 attempt 2 failed: ECONNREFUSED; next attempt in 1.0 s',
        'redis://:***@h:1 attempt 3: connecting (last error ECONNREFUSED)',
        'redis://:***@h:1 ready after 3 attempts (1.5 s)',
        'holdfast: target ready in 1.5 s',
      ]);
    });

    it('closes every target before it resolves', async () => {
      const run = start(['redis://a', 'redis://b'], {});
      await run.promise;
      expect(run.targets.map((t) => t.closed)).to.deep.equal([1, 1]);
    });
  });

  describe('when an error is not worth retrying', () => {
    it('exits 1 at once after one attempt, with the reason on stderr', async () => {
      const run = start(['mysql://app:hunter2@db/shop', 'redis://ok'], {
        db: { script: [accessDenied()] },
      });
      await clock.tickAsync(0);
      expect(run.code()).to.equal(1);
      expect(run.targets[0]?.attempts).to.equal(1);
      expect(run.stderr.lines[0]).to.equal('holdfast: 1 of 2 not ready:');
      expect(run.stderr.lines[1]).to.match(
        /^ {2}mysql:\/\/app:\*\*\*@db:3306\/shop failed: ER_ACCESS_DENIED_ERROR, not retried \(Access denied/,
      );
      expect(run.stdout.text + run.stderr.text).to.not.include('hunter2');
    });
  });

  describe('when the timeout passes', () => {
    it('exits 1 at the timeout with attempts and the last error', async () => {
      const run = start(['--timeout', '2', 'redis://h:1'], {
        'h:1': { script: [refused()], maxRetries: 100 },
      });
      await clock.tickAsync(1999);
      expect(run.done()).to.equal(false);
      await clock.tickAsync(1);
      expect(run.code()).to.equal(1);
      expect(run.stderr.lines[1]).to.equal(
        '  redis://h:1 not ready after 2.0 s: 3 attempts, last error ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)',
      );
      expect(run.targets[0]?.closed).to.equal(1);
    });

    it('stops an attempt that never answers at the timeout', async () => {
      const run = start(['--timeout', '1', 'redis://blackhole'], {
        blackhole: { script: ['hang'] },
      });
      await clock.tickAsync(1000);
      expect(run.code()).to.equal(1);
      expect(run.stderr.lines[1]).to.equal(
        '  redis://blackhole:6379 not ready after 1.0 s: 1 attempt',
      );
    });

    it('starts a new round when the retries are used up, until the timeout', async () => {
      const run = start(['--timeout', '1', 'redis://h'], {
        h: { script: [refused()], maxRetries: 1, baseDelayMs: 200 },
      });
      await clock.tickAsync(1000);
      expect(run.code()).to.equal(1);
      // Rounds of 2 attempts (0 ms, 200 ms), then a 200 ms pause: 0, 200, 400, 600, 800, 1000 ms.
      expect(run.targets[0]?.attempts).to.equal(5);
      expect(run.stdout.lines).to.include(
        'redis://h:6379 2 attempts failed: ECONNREFUSED; retries used up, new round in 200 ms',
      );
    });

    it('waits without limit with --timeout 0', async () => {
      const run = start(['--timeout', '0', 'redis://h'], {
        h: { script: [...Array<Outcome>(30).fill(refused()), 'ok'], maxRetries: 3 },
      });
      await clock.tickAsync(60_000);
      expect(run.code()).to.equal(0);
    });
  });

  describe('when interrupted', () => {
    it('closes the targets and exits 130', async () => {
      const run = start(['redis://h'], { h: { script: [refused()], maxRetries: 50 } });
      await clock.tickAsync(700);
      run.interrupt();
      await clock.tickAsync(0);
      expect(run.code()).to.equal(interruptedExitCode);
      expect(run.targets[0]?.closed).to.equal(1);
      expect(run.stderr.lines[1]).to.match(/interrupted after 2 attempts/);
    });
  });

  describe('with --quiet', () => {
    it('prints nothing when every target is ready', async () => {
      const run = start(['-q', 'redis://h'], {});
      await run.promise;
      expect(run.stdout.text + run.stderr.text).to.equal('');
    });

    it('still prints the reasons of a failure', async () => {
      const run = start(['-q', 'redis://:hunter2@h'], { h: { script: [accessDenied()] } });
      expect(await run.promise).to.equal(1);
      expect(run.stdout.text).to.equal('');
      expect(run.stderr.text).to.include('ER_ACCESS_DENIED_ERROR');
    });
  });

  describe('on a terminal', () => {
    it('redraws one line per target in place and counts the delay down', async () => {
      const run = start(
        ['redis://h', 'redis://ok'],
        { h: { script: [refused(), 'ok'] } },
        { tty: true },
      );
      await clock.tickAsync(200);
      expect(run.stdout.text).to.include('\u001b[2A');
      expect(run.stdout.text).to.include('attempt 1 failed: ECONNREFUSED; next attempt in 300 ms');
      await clock.tickAsync(300);
      expect(run.code()).to.equal(0);
      expect(run.stdout.text).to.include('✔ redis://h:6379 ready after 2 attempts (500 ms)');
      expect(clock.countTimers()).to.equal(0);
    });
  });
});
