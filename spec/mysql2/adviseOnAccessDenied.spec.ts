import { expect } from 'chai';
import { adviseOnAccessDenied } from '../../src/mysql2/adviseOnAccessDenied.js';
import { codeError } from '../helpers/fakeErrors.js';

describe('adviseOnAccessDenied', () => {
  for (const [code, errno] of [
    ['ER_ACCESS_DENIED_ERROR', 1045],
    ['ER_DBACCESS_DENIED_ERROR', 1044],
    ['ER_ACCESS_DENIED_NO_PASSWORD_ERROR', 1698],
  ] as const) {
    it(`names the options to check on ${code} (${errno}), keeping the error`, () => {
      const error = codeError(code, errno, "Access denied for user 'app'@'localhost'");
      expect(adviseOnAccessDenied(error)).to.equal(error);
      expect(error.message).to.include('`password`').and.include('createDatabasePool');
      expect(error).to.include({ code, errno });
    });
  }

  it('leaves other errors as they are', () => {
    const error = codeError('ECONNREFUSED', undefined, 'connect ECONNREFUSED');
    adviseOnAccessDenied(error);
    expect(error.message).to.equal('connect ECONNREFUSED');
  });
});
