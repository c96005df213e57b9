import { expect } from 'chai';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { type CheckoutFailure, PoolCheckoutError } from '../../src/mysql2/PoolCheckoutError.js';
import { connectionRefused } from '../helpers/fakeErrors.js';

const base: CheckoutFailure = {
  reason: 'pool-exhausted',
  pool: 'myapp_pool',
  waitedMs: 10_000,
  checkedOut: 10,
  poolSize: 10,
  oldestHeldMs: 42_000,
  queued: 3,
  queueLimit: 0,
};

describe('PoolCheckoutError', () => {
  it('is a holdfast error with code ERR_HOLDFAST_CHECKOUT and its facts as fields', () => {
    const error = new PoolCheckoutError(base);
    expect(isHoldfastError(error)).to.equal(true);
    expect(error).to.include({ name: 'PoolCheckoutError', code: 'ERR_HOLDFAST_CHECKOUT', ...base });
  });

  it('says the server is unreachable, with the last connect error as message part and cause', () => {
    const cause = connectionRefused();
    const error = new PoolCheckoutError({
      ...base,
      reason: 'server-unreachable',
      lastError: cause,
    });
    expect(error.cause).to.equal(cause);
    expect(error.message).to.include('unreachable').and.include('ECONNREFUSED');
  });

  it('says how many connections are out and for how long when the pool is exhausted', () => {
    const error = new PoolCheckoutError(base);
    expect(error.message).to.include('10 of 10').and.include('42000 ms').and.include('pool_size');
  });
});
