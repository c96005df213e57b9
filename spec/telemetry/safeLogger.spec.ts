import { expect } from 'chai';
import { safeLogger } from '../../src/telemetry/safeLogger.js';
import { testPasswords } from '../helpers/secretScan.js';
import { recordingLogger } from '../helpers/telemetry.js';

describe('safeLogger', () => {
  it('redacts the message and the string, error and object field values', () => {
    const recorder = recordingLogger();
    safeLogger(recorder.logger).error(`cannot reach mysql://u:${testPasswords.mysql}@h`, {
      url: `redis://:${testPasswords.redis}@h`,
      error: new Error(`AUTH ${testPasswords.redis}`),
      config: { password: testPasswords.mysql },
      attempt: 2,
    });
    expect(recorder.lines).to.deep.equal([
      {
        level: 'error',
        message: 'cannot reach mysql://u:***@h',
        fields: {
          url: 'redis://:***@h',
          error: 'AUTH ***',
          config: '{"password":"***"}',
          attempt: 2,
        },
      },
    ]);
  });

  it('swallows what a throwing logger throws', () => {
    const logger = safeLogger({
      info: () => {
        throw new Error('closed stream');
      },
      warn: () => undefined,
      error: () => undefined,
    });
    expect(() => {
      logger.info('x');
    }).not.to.throw();
  });

  it('skips debug lines for a logger without debug', () => {
    const logger = safeLogger({
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });
    expect(() => {
      logger.debug('x');
    }).not.to.throw();
    expect(logger.isLevelEnabled('debug')).to.equal(false);
  });

  it('neither redacts nor passes on a line at a level the logger drops', () => {
    const seen: string[] = [];
    let asked = 0;
    const logger = safeLogger({
      info: (message) => seen.push(message),
      warn: (message) => seen.push(message),
      error: (message) => seen.push(message),
      isLevelEnabled: (level) => {
        asked += 1;
        return level === 'error';
      },
    });
    expect(logger.isLevelEnabled('warn')).to.equal(false);
    logger.warn('dropped mysql://app:hunter2@db/x');
    logger.error('kept mysql://app:hunter2@db/x');
    expect(seen).to.deep.equal(['kept mysql://app:***@db/x']);
    expect(asked).to.equal(3);
  });

  it('counts a level check that throws as enabled (the line is not lost to a bug)', () => {
    const seen: string[] = [];
    const logger = safeLogger({
      info: (message) => seen.push(message),
      warn: (message) => seen.push(message),
      error: (message) => seen.push(message),
      isLevelEnabled: () => {
        throw new Error('bug');
      },
    });
    logger.info('still written');
    expect(seen).to.deep.equal(['still written']);
  });

  it('does not wrap twice', () => {
    const once = safeLogger(recordingLogger().logger);
    expect(safeLogger(once)).to.equal(once);
  });
});
