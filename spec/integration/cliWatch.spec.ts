// `holdfast watch` as users run it: the live state stream of real targets, a Redis server killed
// and restarted under it, Ctrl-C closing everything.
import { expect } from 'chai';
import type { WatchRecord } from '../../src/cli/formatWatchLine.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import { CliProcess } from './cliProcess.js';

const secret = 'Zq7-cli-watch-S3cret';

function records(stdout: string): WatchRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as WatchRecord);
}

describe('holdfast watch', function () {
  this.timeout(60_000);

  it('prints each transition of each target and exits 0 on Ctrl-C, connections closed', async () => {
    const cli = new CliProcess([
      'watch',
      'mysql://root@127.0.0.1:3306/test',
      'redis://127.0.0.1:6379',
    ]);
    await cli.waitForLine((l) =>
      /^\S+ mysql:\/\/root@127\.0\.0\.1:3306\/test connected \(attempt 1\)$/.test(l),
    );
    await cli.waitForLine((l) =>
      /^\S+ redis:\/\/127\.0\.0\.1:6379 connected \(attempt 1\)$/.test(l),
    );
    const result = await cli.stop('SIGINT');
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    for (const target of ['mysql://root@127.0.0.1:3306/test', 'redis://127.0.0.1:6379']) {
      const own = lines
        .filter((l) => l.split(' ')[1] === target)
        .map((l) => l.split(' ').slice(2).join(' '));
      expect(own).to.deep.equal([
        'idle',
        'connecting (attempt 1)',
        'connected (attempt 1)',
        'closed',
      ]);
    }
    expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
  });

  describe('a Redis server killed and restarted under it', () => {
    let server: RedisServer | undefined;
    before(async () => {
      server = await RedisServer.start({ requirepass: secret });
    });
    after(async () => {
      await server?.stop();
    });

    it('shows connected -> connecting -> retrying n -> connected as JSON lines', async () => {
      const port = String(server?.port);
      const cli = new CliProcess(['watch', '--json', `redis://:${secret}@127.0.0.1:${port}`], {
        REDIS_RETRY_BASE_DELAY: '0.2',
        REDIS_RETRY_MAX_DELAY: '0.5',
        REDIS_RETRY_MAX_ATTEMPTS: '20',
      });
      await cli.waitForLine((l) => l.includes('"status":"connected"'));
      await server?.kill('SIGKILL');
      await cli.waitForLine((l) => l.includes('"status":"retrying"'));
      await server?.restart();
      const reconnected = (): boolean =>
        records(cli.stdout).filter((r) => r.status === 'connected').length >= 2;
      await cli.waitForLine(() => reconnected(), 20_000);
      const result = await cli.stop('SIGINT');
      expect(result.code, result.stderr).to.equal(0);
      const all = records(result.stdout);
      expect(all.every((r) => r.target === `redis://:***@127.0.0.1:${port}`)).to.equal(true);
      const statuses = all.map((r) => r.status);
      const firstConnected = statuses.indexOf('connected');
      const secondConnected = statuses.indexOf('connected', firstConnected + 1);
      expect(statuses.slice(0, firstConnected + 1)).to.deep.equal([
        'idle',
        'connecting',
        'connected',
      ]);
      expect(statuses[firstConnected + 1]).to.equal('connecting');
      expect(statuses.slice(firstConnected + 1, secondConnected)).to.include('retrying');
      expect(statuses.at(-1)).to.equal('closed');
      const retrying = all.find((r) => r.status === 'retrying');
      expect(retrying).to.have.nested.property('error.code');
      expect(result.stdout + result.stderr).to.not.include(secret);
    });
  });
});
