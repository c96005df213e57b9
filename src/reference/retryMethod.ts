import type { ConnectionRetry } from './ConnectionRetry.js';

/** An async method, as a TC39 method decorator sees it. */
export type AsyncMethod<This, Args extends unknown[], R> = (
  this: This,
  ...args: Args
) => Promise<R>;

/** A TC39 (standard) method decorator that keeps the method's type. */
export type RetryMethodDecorator = <This, Args extends unknown[], R>(
  method: AsyncMethod<This, Args, R>,
  context: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>,
) => AsyncMethod<This, Args, R>;

/**
 * The TC39 method decorator behind `dbRetry` / `redisRetry`: each call of the decorated async
 * method runs through `retry.executeWithRetry`, described as `ClassName.method` when the class
 * is known, else by the method's name.
 *
 * @throws {TypeError} applied to something other than a method
 */
export function retryMethod(retry: ConnectionRetry): RetryMethodDecorator {
  return <This, Args extends unknown[], R>(
    method: AsyncMethod<This, Args, R>,
    context: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>,
  ): AsyncMethod<This, Args, R> => {
    // JavaScript callers can apply it anywhere; TypeScript only allows methods.
    const kind: string = context.kind;
    if (kind !== 'method') {
      throw new TypeError(`dbRetry / redisRetry decorate methods only, not a ${kind}.`);
    }
    const name = String(context.name);
    return function (this: This, ...args: Args): Promise<R> {
      const owner = (this as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      const description = typeof owner === 'string' && owner !== '' ? `${owner}.${name}` : name;
      return retry.executeWithRetry(() => method.apply(this, args), description);
    };
  };
}
