import { expect } from 'chai';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { ConnectTimeoutError } from '../../src/connection/ConnectTimeoutError.js';

describe('ConnectTimeoutError', () => {
  it('carries ETIMEDOUT, its limit and its name, and is classified transient', () => {
    const error = new ConnectTimeoutError('mysql-main', 500);
    expect(error).to.include({ name: 'ConnectTimeoutError', code: 'ETIMEDOUT', timeoutMs: 500 });
    expect(error.message).to.include('connectTimeoutMs');
    expect(new ErrorClassifier().classify(error, { attempt: 1, scope: 'connect' }).kind).to.equal(
      'transient',
    );
  });
});
