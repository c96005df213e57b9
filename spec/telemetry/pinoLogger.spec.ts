import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { pinoLogger } from '../../src/telemetry/pinoLogger.js';

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
    expect(logger.enabled?.('info')).to.equal(false);
    expect(logger.enabled?.('warn')).to.equal(true);
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
