import { expect } from 'chai';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';

describe('ConfigurationError', () => {
  it('names the option or variable at fault', () => {
    expect(new ConfigurationError('bad', { option: 'DB_RETRY_BASE_DELAY' }).option).to.equal(
      'DB_RETRY_BASE_DELAY',
    );
  });

  it('leaves option undefined when no single option is at fault', () => {
    expect(new ConfigurationError('bad').option).to.equal(undefined);
  });
});
