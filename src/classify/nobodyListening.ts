import { errorCode, field } from './errorFields.js';

const maxDepth = 5;

/**
 * True when `error` says that nothing listens at the target's address: the connect was refused
 * (`ECONNREFUSED`) or the unix socket does not exist (`ENOENT` from `connect`), found on the
 * error itself, along its `cause` chain (drivers and holdfast wrap socket errors), or on every
 * member of an `AggregateError` (a name with several addresses, all refused).
 *
 * False for everything the server answered (authentication, too many connections, LOADING,
 * shutdown) and for timeouts, resets and unreachable networks: those say a server, or a network
 * path, is there, and must not be probed (docs/decisions/0017-probe-and-call-wait-limit.md).
 *
 * @example
 * nobodyListening(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })); // true
 */
export function nobodyListening(error: unknown): boolean {
  return check(error, 0);
}

function check(error: unknown, depth: number): boolean {
  if (depth > maxDepth || typeof error !== 'object' || error === null) return false;
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return true;
  if (code === 'ENOENT') return field(error, 'syscall') === 'connect';
  if (error instanceof AggregateError && code === undefined) {
    const inner = error.errors as readonly unknown[];
    return inner.length > 0 && inner.every((e) => check(e, depth + 1));
  }
  return check(field(error, 'cause'), depth + 1);
}
