/** Reads the fields drivers put on errors (`code`, `errno`), without trusting their types. */
export function errorCode(error: unknown): string | undefined {
  const code = field(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

export function errorErrno(error: unknown): number | undefined {
  const errno = field(error, 'errno');
  return typeof errno === 'number' ? errno : undefined;
}

export function errorName(error: unknown): string | undefined {
  const name = field(error, 'name');
  return typeof name === 'string' ? name : undefined;
}

/** `error[key]` when `error` is an object; never throws on primitives. */
export function field(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Node reports a refused connect to a name with several addresses as an AggregateError; its
 * inner errors carry the socket codes. Returns the first inner error with a code (else the
 * first inner error), or the error itself when it is not such an aggregate.
 */
export function innermostSocketError(error: unknown): unknown {
  if (error instanceof AggregateError && errorCode(error) === undefined) {
    const inner = error.errors as readonly unknown[];
    return inner.find((e) => errorCode(e) !== undefined) ?? inner[0] ?? error;
  }
  return error;
}
