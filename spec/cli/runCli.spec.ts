import { expect } from 'chai';
import { exitCodes } from '../../src/cli/exitCodes.js';
import { runCli } from '../../src/cli/runCli.js';
import { retryPolicyFromEnv } from '../../src/config/retryPolicyFromEnv.js';
import { mysqlRetryDefaults } from '../../src/retry/RetryOptions.js';
import { FakeTarget, fakeIo } from './FakeTarget.js';

describe('runCli', () => {
  const createTarget = async (url: { display: string }) => new FakeTarget(url.display, ['ok']);

  describe('--help', () => {
    it('prints the usage on stdout and exits 0', async () => {
      const { io, stdout } = fakeIo();
      expect(await runCli(['--help'], io, createTarget)).to.equal(exitCodes.ok);
      expect(stdout.text).to.include('holdfast wait <url>...');
      expect(stdout.text).to.include('DB_RETRY_MAX_ATTEMPTS');
    });
  });

  describe('--version', () => {
    it('prints the package version', async () => {
      const { io, stdout } = fakeIo();
      expect(await runCli(['--version'], io, createTarget)).to.equal(exitCodes.ok);
      expect(stdout.text).to.match(/^\d+\.\d+\.\d+/);
    });
  });

  describe('a usage error', () => {
    it('prints the message and a hint on stderr and exits 2', async () => {
      const { io, stdout, stderr } = fakeIo();
      expect(await runCli(['wait', 'mysql://u:hunter2@h:x/db'], io, createTarget)).to.equal(
        exitCodes.usage,
      );
      expect(stdout.text).to.equal('');
      expect(stderr.lines[0]).to.equal(
        'holdfast: Invalid target URL, a URL starting "mysql://" (24 characters; the rest is not shown, it may hold a password): the port is not a number. Expected mysql://user:pass@host:port/db or redis://[:pass@]host:port[/db].',
      );
      expect(stderr.lines[1]).to.equal('Run `holdfast --help` for usage.');
      expect(stderr.text).to.not.include('hunter2');
    });
  });

  describe('a malformed retry variable', () => {
    it('names the variable and exits 2 before connecting', async () => {
      const { io, stderr } = fakeIo();
      const code = await runCli(['wait', 'mysql://h'], io, async () => {
        retryPolicyFromEnv('DB', mysqlRetryDefaults, { DB_RETRY_BASE_DELAY: 'soon' });
        throw new Error('unreachable');
      });
      expect(code).to.equal(exitCodes.usage);
      expect(stderr.text).to.include('DB_RETRY_BASE_DELAY');
    });
  });

  describe('a target that cannot be built', () => {
    it('closes the targets already built and exits 1', async () => {
      const { io, stderr } = fakeIo();
      const built: FakeTarget[] = [];
      const code = await runCli(['wait', 'redis://a', 'mysql://b'], io, async (url) => {
        if (url.kind === 'mysql') throw new Error('mysql2 is not installed');
        const target = new FakeTarget(url.display, ['ok']);
        built.push(target);
        return target;
      });
      expect(code).to.equal(exitCodes.notReady);
      expect(stderr.text).to.include('mysql2 is not installed');
      expect(built[0]?.closed).to.equal(1);
    });
  });
});
