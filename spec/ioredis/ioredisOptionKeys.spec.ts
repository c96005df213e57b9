import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { ioredisOptionKeys } from '../../src/ioredis/ioredisOptionKeys.js';
import { requirePeer } from '../../src/internal/requirePeer.js';

function refusal(options: Record<string, unknown>): ConfigurationError {
  try {
    void createRedisClient(options);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

describe('ioredisOptionKeys', () => {
  it('knows every option ioredis has a default for (pins the installed ioredis)', () => {
    // Exported at run time, not in ioredis's types.
    const { defaultOptions } = requirePeer('ioredis', 'holdfast/ioredis') as {
      defaultOptions: Record<string, unknown>;
    };
    expect(Object.keys(defaultOptions).length).to.be.greaterThan(20);
    const unknown = Object.keys(defaultOptions).filter(
      (key) => !Object.hasOwn(ioredisOptionKeys, key),
    );
    expect(unknown).to.deep.equal([]);
  });
});

describe('createRedisClient with an unknown option', () => {
  for (const [key, meant] of [
    ['keyprefix', 'keyPrefix'],
    ['key_prefix', 'keyPrefix'],
    ['connectionname', 'connectionName'],
    ['commandTimeoutMS', 'commandTimeoutMs'],
    ['targetname', 'targetName'],
  ] as const) {
    it(`refuses \`${key}\` in one line suggesting \`${meant}\``, () => {
      const error = refusal({ [key]: 'x' });
      expect(error.option).to.equal(key);
      expect(error.message).to.equal(
        `Unknown option \`${key}\` in the Redis client options. Did you mean \`${meant}\`?`,
      );
    });
  }

  it('refuses `retry_strategy`, saying that ioredis’s retryStrategy is holdfast’s to set', () => {
    const error = refusal({ retry_strategy: () => 100 });
    expect(error.option).to.equal('retry_strategy');
    expect(error.message).to.match(
      /^Unknown option `retry_strategy` in the Redis client options\. Did you mean ioredis's `retryStrategy`\? It is managed by holdfast: .*`retry`/,
    );
    expect(error.message).to.not.include('\n');
  });

  it('refuses a key like no option without listing them all', () => {
    const error = refusal({ completelyUnrelated: 1 });
    expect(error.message).to.match(
      /^Unknown option `completelyUnrelated` in the Redis client options\. It is none of the \d+ options/,
    );
  });

  it('accepts ioredis’s own options and holdfast’s', () => {
    const client = createRedisClient({
      host: '127.0.0.1',
      port: 1,
      db: 2,
      username: 'app',
      password: 'pw-not-used',
      keyPrefix: 'hf13:',
      connectionName: 'hf13',
      family: 4,
      connectTimeout: 1000,
      keepAlive: 1000,
      noDelay: true,
      enableAutoPipelining: false,
      showFriendlyErrorStack: false,
      stringNumbers: false,
      targetName: 'hf13-cache',
      commandTimeoutMs: 1000,
    });
    void client.close();
  });
});
