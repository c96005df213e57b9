const advised = new WeakSet<object>();

/**
 * Appends `advice` (what to do about it) to a driver's error, once: the error keeps its class,
 * `code`, `errno` and stack frames, so `instanceof` and code checks work as before, and the
 * message says what to change. `advice` must not contain a secret. Anything that is not an
 * Error is returned as it is.
 *
 * @example
 * reject(withAdvice(error, 'check the `password` option'));
 * // Error: Access denied for user 'app'@'localhost' (using password: YES). check the `password` option
 */
export function withAdvice<T>(error: T, advice: string): T {
  if (!(error instanceof Error) || advised.has(error)) return error;
  advised.add(error);
  const before = error.message;
  // Read first: V8 formats the stack lazily, from the message as it is at the first read.
  const stack = error.stack;
  const message = `${before.replace(/[.\s]*$/, '')}. ${advice}`;
  error.message = message;
  const head = `${error.name}: ${before}`;
  if (typeof stack === 'string' && stack.startsWith(head)) {
    error.stack = `${error.name}: ${message}${stack.slice(head.length)}`;
  }
  return error;
}
