import { expect } from 'chai';
import { DatabaseConnectionRetry } from '../../src/reference/DatabaseConnectionRetry.js';
import { retryMethod } from '../../src/reference/retryMethod.js';

describe('retryMethod', () => {
  it('refuses to decorate anything but a method', () => {
    const decorate = retryMethod(new DatabaseConnectionRetry());
    const context = { kind: 'field', name: 'x' } as unknown as ClassMethodDecoratorContext;
    expect(() => decorate(() => Promise.resolve(1), context as never)).to.throw(TypeError);
  });

  it('describes a call without a class instance by the method name', async () => {
    const decorate = retryMethod(new DatabaseConnectionRetry({ maxRetries: 0 }));
    const context = { kind: 'method', name: 'load' } as unknown as ClassMethodDecoratorContext;
    const wrapped = decorate(function (this: unknown) {
      return Promise.resolve(this === undefined ? 'no this' : 'this');
    }, context as never);
    expect(await wrapped.call(undefined)).to.equal('no this');
  });
});
