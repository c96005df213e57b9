import { expect } from 'chai';
import { defaultTimeoutSeconds, parseCliArgs } from '../../src/cli/parseCliArgs.js';
import { UsageError } from '../../src/cli/UsageError.js';

function rejects(argv: readonly string[]): UsageError {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseCliArgs', () => {
  describe('wait', () => {
    it('reads every URL, --timeout in seconds and --quiet', () => {
      const command = parseCliArgs([
        'wait',
        'mysql://root@127.0.0.1/test',
        'redis://127.0.0.1',
        '--timeout',
        '2.5',
        '--quiet',
      ]);
      expect(command).to.deep.include({ command: 'wait', timeoutMs: 2500, quiet: true });
      if (command.command !== 'wait') throw new Error('not wait');
      expect(command.targets.map((t) => t.kind)).to.deep.equal(['mysql', 'redis']);
    });

    it(`waits ${defaultTimeoutSeconds} s when no --timeout is given`, () => {
      expect(parseCliArgs(['wait', 'redis://h'])).to.deep.include({
        timeoutMs: defaultTimeoutSeconds * 1000,
        quiet: false,
      });
    });

    it('takes --timeout 0 as no limit, and the short flags -t and -q', () => {
      expect(parseCliArgs(['wait', '-t', '0', '-q', 'redis://h'])).to.deep.include({
        timeoutMs: undefined,
        quiet: true,
      });
    });

    it('accepts --timeout=<s>', () => {
      expect(parseCliArgs(['wait', '--timeout=1', 'redis://h'])).to.deep.include({
        timeoutMs: 1000,
      });
    });
  });

  describe('watch', () => {
    it('reads the URLs and --json', () => {
      const command = parseCliArgs(['watch', '--json', 'redis://h', 'rediss://h2']);
      expect(command).to.deep.include({ command: 'watch', json: true });
    });
  });

  describe('help and version', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['wait', '--help'], ['watch', '-h', 'x']]) {
      it(`answers help to ${argv.join(' ')}`, () => {
        expect(parseCliArgs(argv)).to.deep.equal({ command: 'help' });
      });
    }

    it('answers version to --version', () => {
      expect(parseCliArgs(['--version'])).to.deep.equal({ command: 'version' });
    });
  });

  describe('a usage error', () => {
    const cases: readonly (readonly [string, readonly string[]])[] = [
      ['no command', []],
      ['an unknown command', ['start', 'redis://h']],
      ['an unknown long flag', ['wait', 'redis://h', '--frobnicate']],
      ['an unknown short flag', ['wait', 'redis://h', '-x']],
      ['no URL', ['wait']],
      ['--timeout without a value', ['wait', 'redis://h', '--timeout']],
      ['--timeout that is not a number', ['wait', 'redis://h', '--timeout', 'soon']],
      ['a negative --timeout', ['wait', 'redis://h', '--timeout=-1']],
      ['a --timeout longer than a timer holds', ['wait', 'redis://h', '--timeout', '9999999']],
      ['--quiet with a value', ['wait', 'redis://h', '--quiet=yes']],
      ['--json on wait', ['wait', 'redis://h', '--json']],
      ['--timeout on watch', ['watch', 'redis://h', '--timeout', '3']],
      ['a malformed URL', ['wait', 'redis://h:port']],
    ];
    for (const [what, argv] of cases) {
      it(`is raised for ${what}`, () => {
        expect(rejects(argv).code).to.equal('ERR_HOLDFAST_CLI_USAGE');
      });
    }

    it('names the unknown flag', () => {
      expect(rejects(['wait', 'redis://h', '--frobnicate']).message).to.include('--frobnicate');
    });

    it('masks the password of a URL given where the command belongs', () => {
      const error = rejects(['mysql://root:hunter2@h/db']);
      expect(error.message).to.not.include('hunter2');
    });
  });
});
