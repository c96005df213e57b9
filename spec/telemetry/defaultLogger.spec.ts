import { expect } from 'chai';
import sinon from 'sinon';
import { defaultLogger } from '../../src/telemetry/defaultLogger.js';
import { silentLogger } from '../../src/telemetry/Logger.js';

describe('defaultLogger', () => {
  it('is silent when HOLDFAST_LOG_LEVEL is not set', () => {
    expect(defaultLogger({})).to.equal(silentLogger);
    expect(defaultLogger({ HOLDFAST_LOG_LEVEL: 'silent' })).to.equal(silentLogger);
  });

  it('prints to the console at the level HOLDFAST_LOG_LEVEL names', () => {
    const error = sinon.stub(console, 'error');
    try {
      const logger = defaultLogger({ HOLDFAST_LOG_LEVEL: 'warn' });
      logger.info('not shown');
      logger.warn('shown');
    } finally {
      error.restore();
    }
    expect(error.getCalls().map((c) => c.args[0] as string)).to.deep.equal(['WARN: shown']);
  });

  it('rejects an unknown level', () => {
    expect(() => defaultLogger({ HOLDFAST_LOG_LEVEL: 'loud' }))
      .to.throw()
      .with.property('code', 'ERR_HOLDFAST_CONFIG');
  });
});
