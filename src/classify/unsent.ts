// Marks errors raised before a request could reach the server (checkout, connect, a command
// refused by a socket that was not writable): such a request is always safe to send again.
const unsentMark = Symbol.for('holdfast.unsent');

/** Marks `error` as raised before anything was sent; returns it. */
export function markUnsent<E>(error: E): E {
  if (typeof error === 'object' && error !== null) {
    (error as Record<symbol, unknown>)[unsentMark] = true;
  }
  return error;
}

/** True when the error was raised before the request could reach the server. */
export function isUnsent(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[unsentMark] === true
  );
}
