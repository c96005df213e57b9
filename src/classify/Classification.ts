/**
 * What an error means for a retry loop.
 * - `transient`: try again after the usual backoff (a dropped connection, a refused connect).
 * - `throttled`: try again, slower (too many connections, Redis LOADING / BUSY).
 * - `fatal`: do not try again (bad password, syntax error, programming error, anything unknown).
 *
 * `connectionLost` says the connection that produced the error is dead and must be replaced.
 */
export type Classification =
  | { readonly kind: 'transient'; readonly reason: string; readonly connectionLost: boolean }
  | { readonly kind: 'throttled'; readonly reason: string; readonly connectionLost: boolean }
  | { readonly kind: 'fatal'; readonly reason: string };

export type ClassificationKind = Classification['kind'];

/** Where the error happened: deadlocks are retryable only when a whole transaction reruns. */
export type OperationScope = 'connect' | 'execute' | 'transaction';

/** What a classifier rule sees besides the error. */
export interface ClassifyContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly scope: OperationScope;
}

/** A user rule: return a verdict, or `undefined` for no opinion (the next rule decides). */
export type ClassifierRule = (
  error: unknown,
  context: ClassifyContext,
) => Classification | undefined;

export function isRetryable(classification: Classification): boolean {
  return classification.kind !== 'fatal';
}

export const transient = (reason: string, connectionLost = true): Classification => ({
  kind: 'transient',
  reason,
  connectionLost,
});

export const throttled = (reason: string, connectionLost = false): Classification => ({
  kind: 'throttled',
  reason,
  connectionLost,
});

export const fatal = (reason: string): Classification => ({ kind: 'fatal', reason });
