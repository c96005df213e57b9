// Issue 13: a mistyped URL must never print its password. Each malformed shape below carries a
// password (raw, percent-encoded, or with characters that need encoding) and goes through the
// CLI (in process and as a subprocess) and through every factory that takes a URL or URI:
// createRedisClient `url`, getRedisClient with REDIS_URL (option env and process.env),
// createDatabasePool `uri`. (The reference API takes connect functions, never URLs.) The
// password, raw or decoded, must appear in no output, error, cause chain or log line. Shapes a
// factory accepts are connected to (127.0.0.1, the shared servers or a closed port) so that the
// driver's own errors are scanned too.
import { expect } from 'chai';
import sinon from 'sinon';
import { runCli as runCliInProcess } from '../../src/cli/runCli.js';
import { createCliTarget } from '../../src/cli/createCliTarget.js';
import { createRedisClient, getRedisClient } from '../../src/ioredis/getRedisClient.js';
import type { RedisClient } from '../../src/ioredis/RedisClient.js';
import { createDatabasePool } from '../../src/mysql2/createDatabasePool.js';
import { fakeIo } from '../cli/FakeTarget.js';
import { errorChainTexts, findSecrets } from '../helpers/secretScan.js';
import { recordingLogger } from '../helpers/telemetry.js';
import { runCli as runCliProcess } from './cliProcess.js';

const password = 'HF-S3cret-url9';
/** Needs encoding: `:` and `@`. */
const awkward = 'HF-S3cret:url@9';
const awkwardEncoded = encodeURIComponent(awkward);
/** `password` with its first two characters percent-encoded: decodes to the password. */
const halfEncoded = `%48%46${password.slice(2)}`;
/** What must never be seen, in any case: both passwords (the scan adds their encoded forms) and
 * the part of the password that survives a partial encoding. */
const secrets = [password, awkward, 'S3cret-url', 'S3cret:url', 'S3cret%3Aurl'];

const P = password;
const shapes: readonly (readonly [what: string, url: string])[] = [
  ['mysql, one slash', `mysql:/root:${P}@127.0.0.1/test`],
  ['mysql, no colon', `mysql//root:${P}@127.0.0.1/test`],
  ['mysql, no slashes', `mysql:root:${P}@127.0.0.1/test`],
  ['mysql, three slashes', `mysql:///root:${P}@127.0.0.1/test`],
  ['a misspelt scheme', `mysq://root:${P}@127.0.0.1/test`],
  ['another scheme', `postgres://root:${P}@127.0.0.1/test`],
  ['no scheme, only slashes', `//root:${P}@127.0.0.1:3306`],
  ['no scheme at all', `root:${P}@127.0.0.1:3306`],
  ['a port with a letter', `mysql://root:${P}@127.0.0.1:33o6/test`],
  ['a port above 65535', `mysql://root:${P}@127.0.0.1:99999/test`],
  ['a negative port', `mysql://root:${P}@127.0.0.1:-1/test`],
  ['a broken %-escape', `mysql://root:${P}%ZZ@127.0.0.1/test`],
  ['a truncated %-escape', `mysql://root:${P}%4@127.0.0.1/test`],
  ['an encoded password and a bad port', `mysql://root:${halfEncoded}@127.0.0.1:x/test`],
  ['an encoded awkward password, no host', `mysql://root:${awkwardEncoded}@/test`],
  ['an IPv6 bracket left open', `mysql://root:${P}@[::1/test`],
  ['an IPv6 bracket left open, with port', `mysql://root:${P}@[::1:3306/test`],
  ['@@', `mysql://root:${P}@@127.0.0.1/test`],
  ['@ where : belongs', `mysql://root@${P}@127.0.0.1/test`],
  ['an unescaped @ in the password', `mysql://root:${awkward}@127.0.0.1/test`],
  ['an unescaped / in the password', `mysql://root:${P}/x@127.0.0.1/test`],
  ['no host', `mysql://root:${P}@`],
  ['no @ and no host', `mysql://root:${P}`],
  ['a space for the @', `mysql://root:${P} 127.0.0.1/test`],
  ['leading whitespace', ` mysql://root:${P}@127.0.0.1:1/test`],
  ['redis, no colon', `redis//:${P}@127.0.0.1:6379`],
  ['redis, one slash', `redis:/u:${P}@127.0.0.1:6379`],
  ['rediss, no colon', `rediss//:${P}@127.0.0.1`],
  ['redis, upper case, no colon', `REDIS//:${P}@127.0.0.1`],
  ['redis, database not a number', `redis://:${P}@127.0.0.1:6379/zero`],
  ['redis, family not a number', `redis://:${P}@127.0.0.1:6379/0?family=six`],
  ['redis, @@', `redis://:${P}@@127.0.0.1:6379`],
  ['redis, broken %-escape', `redis://:${halfEncoded}%G1@127.0.0.1`],
  ['redis, IPv6 bracket open', `redis://:${P}@[::1:6379`],
  ['rediss, port above 65535', `rediss://:${P}@127.0.0.1:65536`],
  ['redis, a fragment', `redis://:${P}@127.0.0.1:1#x`],
  ['redis socket path with credentials', `/:${P}@127.0.0.1:6379`],
];

function leaks(texts: readonly string[]): string[] {
  return findSecrets(texts, secrets).map(({ text, form }) => `[${form}] ${text.slice(0, 200)}`);
}

/** Runs `body`, capturing console output, a logger's lines and any error's whole chain. */
async function observe(
  body: (logger: ReturnType<typeof recordingLogger>['logger']) => Promise<void>,
): Promise<string[]> {
  const log = recordingLogger();
  const texts: string[] = [];
  const consoleStubs = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    sinon.stub(console, method).callsFake((...args: unknown[]) => {
      texts.push(args.map(String).join(' '));
    }),
  );
  try {
    await body(log.logger);
  } catch (error) {
    texts.push(...errorChainTexts(error));
  } finally {
    for (const stub of consoleStubs) stub.restore();
  }
  for (const line of log.lines) texts.push(line.message, JSON.stringify(line.fields ?? {}));
  return texts;
}

async function useRedis(client: RedisClient): Promise<void> {
  try {
    await client.ready({ timeoutMs: 2000 });
    await client.ping();
  } finally {
    await client.close();
  }
}

describe('a malformed URL carrying a password (integration)', function () {
  this.timeout(60_000);
  const quick = { retry: { maxRetries: 0 } } as const;

  it(`covers at least 25 shapes`, () => {
    expect(shapes.length).to.be.at.least(25);
  });

  for (const [what, url] of shapes) {
    describe(what, () => {
      it('is never shown by `holdfast wait` (in process)', async () => {
        const { io, stdout, stderr } = fakeIo();
        const code = await runCliInProcess(['wait', '--timeout', '1', url], io, createCliTarget);
        expect(code).to.be.oneOf([1, 2]);
        expect(leaks([stdout.text, stderr.text])).to.deep.equal([]);
      });

      it('is never shown by createRedisClient({ url })', async () => {
        const texts = await observe(async (logger) => {
          await useRedis(createRedisClient({ url, logger, connectTimeoutMs: 500, ...quick }));
        });
        expect(leaks(texts)).to.deep.equal([]);
      });

      it('is never shown by getRedisClient() with REDIS_URL', async () => {
        const texts = await observe(async (logger) => {
          await useRedis(getRedisClient({ env: { REDIS_URL: url }, logger, ...quick }));
        });
        const saved = process.env.REDIS_URL;
        process.env.REDIS_URL = url;
        try {
          texts.push(...(await observe(() => useRedis(getRedisClient()))));
        } finally {
          if (saved === undefined) delete process.env.REDIS_URL;
          else process.env.REDIS_URL = saved;
        }
        expect(leaks(texts)).to.deep.equal([]);
      });

      it('is never shown by createDatabasePool({ uri })', async () => {
        const texts = await observe(async (logger) => {
          const pool = createDatabasePool({
            uri: url,
            pool_name: 'hf13-malformed',
            logger,
            connectTimeout: 500,
            ...quick,
          });
          try {
            await pool.query('SELECT 1');
          } finally {
            await pool.close({ timeoutMs: 0 });
          }
        });
        expect(leaks(texts)).to.deep.equal([]);
      });
    });
  }

  describe('as the `holdfast` command (subprocess)', () => {
    it('exits 2 and prints no password, for the shapes of the issue', async () => {
      for (const url of [
        `mysql:/root:${P}@127.0.0.1/test`,
        `redis//:${P}@127.0.0.1`,
        `//root:${P}@127.0.0.1:3306`,
      ]) {
        const result = await runCliProcess(['wait', '--timeout', '1', url]);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.include('Invalid target URL');
        expect(leaks([result.stdout, result.stderr])).to.deep.equal([]);
      }
    });
  });
});
