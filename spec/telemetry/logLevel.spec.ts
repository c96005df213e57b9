import { expect } from 'chai';
import { isLevelEnabled, logLevelFromEnv } from '../../src/telemetry/logLevel.js';

describe('logLevelFromEnv', () => {
  it('reads HOLDFAST_LOG_LEVEL case-insensitively', () => {
    expect(logLevelFromEnv({ HOLDFAST_LOG_LEVEL: 'WARN' })).to.equal('warn');
    expect(logLevelFromEnv({ HOLDFAST_LOG_LEVEL: ' debug ' })).to.equal('debug');
  });

  it('returns undefined when unset or empty', () => {
    expect(logLevelFromEnv({})).to.equal(undefined);
    expect(logLevelFromEnv({ HOLDFAST_LOG_LEVEL: '' })).to.equal(undefined);
  });

  it('throws a ConfigurationError naming the variable for an unknown level', () => {
    expect(() => logLevelFromEnv({ HOLDFAST_LOG_LEVEL: 'verbose' }))
      .to.throw()
      .that.includes({ code: 'ERR_HOLDFAST_CONFIG', option: 'HOLDFAST_LOG_LEVEL' });
  });
});

describe('isLevelEnabled', () => {
  it('prints a line at or above the threshold', () => {
    expect(isLevelEnabled('warn', 'error')).to.equal(true);
    expect(isLevelEnabled('warn', 'warn')).to.equal(true);
    expect(isLevelEnabled('warn', 'info')).to.equal(false);
    expect(isLevelEnabled('silent', 'error')).to.equal(false);
  });
});
