import type { ConnectionState } from '../connection/ConnectionState.js';
import { assertNever } from '../internal/assertNever.js';
import { formatDuration } from './formatWaitLine.js';
import type { Style } from './Style.js';
import { summarizeError } from './summarizeError.js';

/** One state change of one target, as `holdfast watch --json` prints it (one object a line). */
export type WatchRecord =
  | WatchBase<'idle' | 'closed'>
  | (WatchBase<'connecting'> & { readonly attempt: number })
  | (WatchBase<'retrying'> & {
      readonly retry: number;
      readonly delayMs: number;
      readonly error: { readonly code: string; readonly message: string };
    })
  | (WatchBase<'connected'> & { readonly attempt: number })
  | (WatchBase<'failed'> & {
      readonly error: { readonly code: string; readonly message: string };
      /** True when the CLI will not try again (the error is not worth retrying). */
      readonly final: boolean;
    });

interface WatchBase<S extends string> {
  /** ISO 8601, UTC. */
  readonly time: string;
  /** The target's URL, password masked. */
  readonly target: string;
  readonly status: S;
}

/** The record of one state (never the connection object, never a password). */
export function watchRecord(
  target: string,
  state: ConnectionState<unknown>,
  now: number,
  final: boolean,
): WatchRecord {
  const time = new Date(now).toISOString();
  switch (state.status) {
    case 'idle':
    case 'closed':
      return { time, target, status: state.status };
    case 'connecting':
      return { time, target, status: 'connecting', attempt: state.attempt };
    case 'retrying':
      return {
        time,
        target,
        status: 'retrying',
        retry: state.retry,
        delayMs: Math.round(state.delayMs),
        error: summarizeError(state.error),
      };
    case 'connected':
      return { time, target, status: 'connected', attempt: state.attempt };
    case 'failed':
      return { time, target, status: 'failed', error: summarizeError(state.error), final };
    default:
      return assertNever(state);
  }
}

/** A human line: `<time> <target> <status> <details>`. */
export function formatWatchLine(record: WatchRecord, style: Style): string {
  const head = `${style.dim(record.time)} ${style.bold(record.target)}`;
  switch (record.status) {
    case 'idle':
      return `${head} ${style.dim('idle')}`;
    case 'closed':
      return `${head} ${style.dim('closed')}`;
    case 'connecting':
      return `${head} ${style.cyan('connecting')} (attempt ${record.attempt})`;
    case 'retrying':
      return `${head} ${style.yellow(`retrying ${record.retry}`)} in ${formatDuration(
        record.delayMs,
      )}: ${record.error.code} (${record.error.message})`;
    case 'connected':
      return `${head} ${style.green('connected')} (attempt ${record.attempt})`;
    case 'failed':
      return `${head} ${style.red('failed')}: ${record.error.code} (${record.error.message})${
        record.final ? ', not retried' : ', retries used up; a new round follows'
      }`;
    default:
      return assertNever(record);
  }
}
