// `holdfast wait` as users run it: a subprocess against the shared MariaDB (3306) and Redis
// (6379), dead ports, and private servers with passwords. Exit codes, output lines, no password,
// and the time from the first line to the exit within the timeout.
import { expect } from 'chai';
import { freePort } from '../helpers/servers/freePort.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { runCli } from './cliProcess.js';

const mysqlUrl = 'mysql://root@127.0.0.1:3306/test';
const redisUrl = 'redis://127.0.0.1:6379';
// Distinctive, so that a leak anywhere in the output is caught.
const secret = 'Zq7-cli-spec-S3cret';

describe('holdfast wait', function () {
  this.timeout(60_000);

  describe('when every server is up', () => {
    it('exits 0 with a ready line per target and a summary', async () => {
      const result = await runCli(['wait', '--timeout', '20', mysqlUrl, redisUrl]);
      expect(result.code, result.stderr).to.equal(0);
      const lines = result.stdout.split('\n');
      expect(lines[0]).to.equal('holdfast: waiting for 2 targets (timeout 20.0 s)');
      expect(lines).to.satisfy((all: string[]) =>
        all.some((l) =>
          /^mysql:\/\/root@127\.0\.0\.1:3306\/test ready after 1 attempt \(\d+ ms\)$/.test(l),
        ),
      );
      expect(lines).to.satisfy((all: string[]) =>
        all.some((l) => /^redis:\/\/127\.0\.0\.1:6379 ready after 1 attempt \(\d+ ms\)$/.test(l)),
      );
      expect(lines.filter((l) => l !== '').at(-1)).to.match(
        /^holdfast: 2 targets ready in \d+ ms$/,
      );
      expect(result.stderr).to.equal('');
    });

    it('prints nothing with --quiet', async () => {
      const result = await runCli(['wait', '-q', redisUrl]);
      expect(result.code).to.equal(0);
      expect(result.stdout + result.stderr).to.equal('');
    });
  });

  describe('when a port is dead', () => {
    it('retries until the timeout, then exits 1 with the reason per target', async () => {
      const [redisPort, mysqlPort] = [await freePort(), await freePort()];
      const result = await runCli(
        [
          'wait',
          '--timeout',
          '2',
          `redis://:${secret}@127.0.0.1:${redisPort}`,
          `mysql://root:${secret}@127.0.0.1:${mysqlPort}/test`,
        ],
        { REDIS_RETRY_BASE_DELAY: '0.2', DB_RETRY_BASE_DELAY: '0.2' },
      );
      expect(result.code).to.equal(1);
      expect(result.stdout).to.include(
        `redis://:***@127.0.0.1:${redisPort} attempt 1 failed: ECONNREFUSED; next attempt in`,
      );
      const reasons = result.stderr.split('\n');
      expect(reasons[0]).to.equal('holdfast: 2 of 2 not ready:');
      expect(reasons[1]).to.match(
        new RegExp(
          `^  redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redisPort} not ready after 2\\.\\d s: \\d+ attempts, last error ECONNREFUSED`,
        ),
      );
      expect(reasons[2]).to.match(
        new RegExp(
          `^  mysql://root:\\*\\*\\*@127\\.0\\.0\\.1:${mysqlPort}/test not ready after 2\\.\\d s: \\d+ attempts, last error ECONNREFUSED`,
        ),
      );
      expect(result.stdout + result.stderr).to.not.include(secret);
      // From the first line (the command is running) to the exit: the timeout, plus closing.
      expect(result.msFromFirstLine).to.be.within(1900, 4000);
    });

    it('starts new rounds when the retries are used up, within the timeout', async () => {
      const port = await freePort();
      const result = await runCli(['wait', '--timeout', '2', `redis://127.0.0.1:${port}`], {
        REDIS_RETRY_MAX_ATTEMPTS: '1',
        REDIS_RETRY_BASE_DELAY: '0.1',
        REDIS_RETRY_MAX_DELAY: '0.1',
      });
      expect(result.code).to.equal(1);
      expect(result.stdout).to.include('retries used up, new round in 100 ms');
      expect(result.msFromFirstLine).to.be.within(1900, 4000);
    });
  });

  describe('when the host name does not resolve (yet)', () => {
    it('keeps retrying until the timeout instead of failing at once', async () => {
      const result = await runCli(
        ['wait', '--timeout', '1.5', 'redis://holdfast-cli-spec.invalid:6379'],
        {
          REDIS_RETRY_BASE_DELAY: '0.1',
        },
      );
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(
        /holdfast-cli-spec\.invalid:6379 not ready after 1\.\d s: \d+ attempts, last error (ENOTFOUND|EAI_AGAIN)/,
      );
      expect(result.stderr).to.not.include('not retried');
    });
  });

  describe('when the link is a blackhole (connects, then no byte comes back)', () => {
    const proxies: FaultProxy[] = [];
    after(async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    });

    it('cancels the hanging attempts at the timeout and exits 1', async () => {
      for (const port of [3306, 6379]) {
        const proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port } });
        proxy.add({ type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
        proxies.push(proxy);
      }
      const [mysqlProxy, redisProxy] = proxies;
      const result = await runCli([
        'wait',
        '--timeout',
        '2',
        `mysql://root@127.0.0.1:${String(mysqlProxy?.port)}/test`,
        `redis://127.0.0.1:${String(redisProxy?.port)}`,
      ]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(
        /mysql:\/\/root@127\.0\.0\.1:\d+\/test not ready after 2\.\d s: 1 attempt/,
      );
      expect(result.stderr).to.match(
        /redis:\/\/127\.0\.0\.1:\d+ not ready after 2\.\d s: 1 attempt/,
      );
      expect(result.msFromFirstLine).to.be.within(1900, 4000);
    });
  });

  describe('when the password is wrong', () => {
    it('fails MySQL at once after one attempt (ER_ACCESS_DENIED_ERROR), password never shown', async () => {
      const result = await runCli([
        'wait',
        '--timeout',
        '20',
        `mysql://holdfast_cli_nobody:${secret}@127.0.0.1:3306/test`,
      ]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(
        /^ {2}mysql:\/\/holdfast_cli_nobody:\*\*\*@127\.0\.0\.1:3306\/test failed: ER_ACCESS_DENIED_ERROR, not retried/m,
      );
      expect(result.stdout).to.not.include('attempt 2');
      expect(result.stdout + result.stderr).to.not.include(secret);
      expect(result.msFromFirstLine).to.be.below(5000);
    });

    describe('on a Redis server with requirepass', () => {
      let server: RedisServer | undefined;
      before(async () => {
        server = await RedisServer.start({ requirepass: secret });
      });
      after(async () => {
        await server?.stop();
      });

      it('fails at once after one attempt (WRONGPASS)', async () => {
        const result = await runCli([
          'wait',
          '--timeout',
          '20',
          `redis://:wrong-${secret}@127.0.0.1:${String(server?.port)}`,
        ]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(/failed: WRONGPASS, not retried/);
        expect(result.stdout).to.not.include('attempt 2');
        expect(result.stdout + result.stderr).to.not.include(secret);
        expect(result.msFromFirstLine).to.be.below(5000);
      });

      it('connects with the right password and never prints it', async () => {
        const result = await runCli([
          'wait',
          `redis://:${secret}@127.0.0.1:${String(server?.port)}/0`,
        ]);
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.include(`redis://:***@127.0.0.1:${String(server?.port)}/0 ready`);
        expect(result.stdout + result.stderr).to.not.include(secret);
      });
    });
  });

  describe('a usage error', () => {
    it('exits 2 on a malformed URL, naming the problem without the password', async () => {
      const result = await runCli(['wait', `mysql://root:${secret}@127.0.0.1:port/test`]);
      expect(result.code).to.equal(2);
      expect(result.stdout).to.equal('');
      expect(result.stderr).to.include(
        'holdfast: Invalid target URL, a URL starting "mysql://" (52 characters; the rest is not shown, it may hold a password): the port is not a number.',
      );
      expect(result.stderr).to.not.include(secret);
    });

    it('exits 2 on an unknown flag, naming it', async () => {
      const result = await runCli(['wait', redisUrl, '--retries', '3']);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('Unknown option --retries');
    });

    it('exits 2 on a malformed retry variable, naming it, before connecting', async () => {
      const result = await runCli(['wait', mysqlUrl], { DB_RETRY_MAX_DELAY: 'forever' });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('DB_RETRY_MAX_DELAY');
      expect(result.stdout).to.equal('');
    });

    it('prints the usage with --help and exits 0', async () => {
      const result = await runCli(['--help']);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.include('holdfast wait <url>... [--timeout <seconds>] [--quiet]');
    });
  });
});
