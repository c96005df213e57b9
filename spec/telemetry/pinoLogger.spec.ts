import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { isPinoLogger, pinoLogger } from '../../src/telemetry/pinoLogger.js';
import { safeLogger } from '../../src/telemetry/safeLogger.js';

function memoryPino(): {
  logger: ReturnType<typeof pino>;
  records: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level: 'debug', base: null, timestamp: false }, stream),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('pinoLogger', () => {
  it("asks pino's own level check which lines it writes", () => {
    const quiet = pino({ level: 'warn' });
    const logger = pinoLogger(quiet);
    expect(logger.isLevelEnabled?.('info')).to.equal(false);
    expect(logger.isLevelEnabled?.('warn')).to.equal(true);
  });

  it("turns (message, fields) into pino's (fields, message) at the same level", () => {
    const { logger, records } = memoryPino();
    const adapted = pinoLogger(logger);
    adapted.warn('Attempt 1 of connect mysql-main failed', {
      attempt: 1,
      errorCode: 'ECONNREFUSED',
    });
    adapted.info('Successfully connected to mysql-main');
    adapted.debug?.('mysql-main: idle -> connecting');
    adapted.error('Failed', { attempts: 4 });
    expect(records()).to.deep.equal([
      {
        level: 40,
        msg: 'Attempt 1 of connect mysql-main failed',
        attempt: 1,
        errorCode: 'ECONNREFUSED',
      },
      { level: 30, msg: 'Successfully connected to mysql-main' },
      { level: 20, msg: 'mysql-main: idle -> connecting' },
      { level: 50, msg: 'Failed', attempts: 4 },
    ]);
  });

  it('keeps pino methods bound to their logger', () => {
    const calls: unknown[] = [];
    const fake = {
      prefix: 'p',
      info(this: { prefix: string }, object: object, message?: string) {
        calls.push([this.prefix, object, message]);
      },
      warn: () => undefined,
      error: () => undefined,
    };
    pinoLogger(fake).info('m', { a: 1 });
    expect(calls).to.deep.equal([['p', { a: 1 }, 'm']]);
  });
});

describe('isPinoLogger', () => {
  it('recognises a pino logger and its children, and nothing else', () => {
    const { logger } = memoryPino();
    expect(isPinoLogger(logger)).to.equal(true);
    expect(isPinoLogger(logger.child({ component: 'db' }))).to.equal(true);
    expect(isPinoLogger(console)).to.equal(false);
    expect(
      isPinoLogger({ info: () => undefined, warn: () => undefined, error: () => undefined }),
    ).to.equal(false);
  });
});

describe('a pino logger given as `logger` directly', () => {
  it('keeps every field: safeLogger calls it with its own (fields, message) order', () => {
    const { logger, records } = memoryPino();
    safeLogger(logger).warn('Attempt 1 of connect mysql-main failed', {
      target: 'mysql-main',
      attempt: 1,
    });
    expect(records()).to.deep.equal([
      {
        level: 40,
        msg: 'Attempt 1 of connect mysql-main failed',
        target: 'mysql-main',
        attempt: 1,
      },
    ]);
  });

  it('gets the reference log lines with their fields from a ConnectionManager', async () => {
    const { logger, records } = memoryPino();
    const manager = new ConnectionManager({
      name: 'mysql-main',
      connect: () => Promise.resolve(1),
      logger,
    });
    await manager.ready();
    await manager.close();
    const lines = records().filter((record) => record.level === 30);
    expect(lines.map((record) => record.msg)).to.include.members([
      'Attempting to connect to mysql-main',
      'Successfully connected to mysql-main',
    ]);
    for (const record of lines) expect(record).to.have.property('target', 'mysql-main');
  });
});
