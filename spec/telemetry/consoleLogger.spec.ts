import { expect } from 'chai';
import sinon from 'sinon';
import { consoleLogger, formatLine } from '../../src/telemetry/consoleLogger.js';

describe('consoleLogger', () => {
  it("prints the reference design's format", () => {
    const lines: string[] = [];
    const logger = consoleLogger({ write: (line) => lines.push(line) });
    logger.info('Attempting to connect to mysql-main');
    expect(lines).to.deep.equal(['INFO: Attempting to connect to mysql-main']);
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = consoleLogger({ level: 'warn', write: (line) => lines.push(line) });
    logger.debug?.('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines).to.deep.equal(['WARN: w', 'ERROR: e']);
  });

  it('says which levels it writes', () => {
    const logger = consoleLogger({ level: 'warn', write: () => undefined });
    expect(
      ['debug', 'info', 'warn', 'error'].map((l) => logger.isLevelEnabled?.(l as 'info')),
    ).to.deep.equal([false, false, true, true]);
  });

  it('writes to stderr through console.error by default', () => {
    const error = sinon.stub(console, 'error');
    try {
      consoleLogger().error('boom');
    } finally {
      error.restore();
    }
    expect(error.firstCall.args).to.deep.equal(['ERROR: boom']);
  });
});

describe('formatLine', () => {
  it('appends fields as key=value, quoting strings with spaces', () => {
    expect(
      formatLine('warn', 'Retrying', {
        attempt: 1,
        delayMs: 1000,
        errorCode: 'ECONNREFUSED',
        note: 'two words',
        skipped: undefined,
        nested: { a: 1 },
      }),
    ).to.equal(
      'WARN: Retrying attempt=1 delayMs=1000 errorCode=ECONNREFUSED note="two words" nested={"a":1}',
    );
  });
});
