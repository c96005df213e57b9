// Every log line of a Redis client names its target in the `target` field, the driver's own
// `ioredis error on RedisConnection #n` debug line included (issue 13), and a pino logger given
// directly gets those fields as structured properties.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { createRedisClient } from '../../src/ioredis/getRedisClient.js';
import { freePort } from '../helpers/servers/freePort.js';
import { recordingLogger } from '../helpers/telemetry.js';

describe('a Redis client’s log lines (integration, a dead port)', () => {
  it('carry the target name, the ioredis error line included', async () => {
    const log = recordingLogger();
    const client = createRedisClient({
      host: '127.0.0.1',
      port: await freePort(),
      targetName: 'hf13-cache',
      logger: log.logger,
      retry: { maxRetries: 0 },
    });
    await client.ready({ timeoutMs: 5000 }).catch(() => undefined);
    await client.close();
    const ioredisLines = log.lines.filter((line) => line.message.startsWith('ioredis error on'));
    expect(ioredisLines.length).to.be.greaterThan(0);
    for (const line of log.lines) {
      expect(line.fields, line.message).to.have.property('target', 'hf13-cache');
    }
  });

  it('reach a pino logger given directly with their fields', async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const client = createRedisClient({
      host: '127.0.0.1',
      port: await freePort(),
      targetName: 'hf13-cache',
      logger: pino({ level: 'debug' }, stream),
      retry: { maxRetries: 0 },
    });
    await client.ready({ timeoutMs: 5000 }).catch(() => undefined);
    await client.close();
    const records = chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { msg?: string; target?: string });
    expect(records.map((record) => record.msg)).to.include('Attempting to connect to hf13-cache');
    expect(records.some((record) => record.msg?.startsWith('ioredis error on'))).to.equal(true);
    for (const record of records) expect(record.target, record.msg).to.equal('hf13-cache');
  });
});
