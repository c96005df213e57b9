import type { ConnectionState } from '../connection/ConnectionState.js';
import { assertNever } from '../internal/assertNever.js';
import { type ErrorSummary, summarizeError } from './summarizeError.js';

/** Where one target of `holdfast wait` stands. */
export type WaitPhase =
  | { readonly status: 'waiting' }
  | { readonly status: 'connecting' }
  /** An attempt failed; the next one starts at `nextAt` (clock ms). */
  | { readonly status: 'retrying'; readonly delayMs: number; readonly nextAt: number }
  /** A round of retries was used up; a new round starts at `nextAt`. */
  | { readonly status: 'new-round'; readonly delayMs: number; readonly nextAt: number }
  | { readonly status: 'ready'; readonly elapsedMs: number }
  | { readonly status: 'fatal'; readonly error: ErrorSummary }
  | { readonly status: 'timeout'; readonly elapsedMs: number }
  | { readonly status: 'interrupted' };

export type WaitPhaseStatus = WaitPhase['status'];

/** A snapshot for the reporter: immutable, replaced on every change. */
export interface WaitProgress {
  /** The target's URL, password masked. */
  readonly target: string;
  /** Attempts so far, over every round. */
  readonly attempts: number;
  readonly lastError: ErrorSummary | undefined;
  readonly phase: WaitPhase;
}

/** True once a target's wait is over (the line no longer changes). */
export function isSettled(phase: WaitPhase): boolean {
  switch (phase.status) {
    case 'waiting':
    case 'connecting':
    case 'retrying':
    case 'new-round':
      return false;
    case 'ready':
    case 'fatal':
    case 'timeout':
    case 'interrupted':
      return true;
    default:
      return assertNever(phase);
  }
}

export function initialProgress(target: string): WaitProgress {
  return { target, attempts: 0, lastError: undefined, phase: { status: 'waiting' } };
}

/**
 * Folds one value of the target's `state$` into its progress. `failed` and `connected` are not
 * folded here: the wait loop decides what they mean (new round, fatal, ready) with its timing.
 */
export function foldState(
  progress: WaitProgress,
  state: ConnectionState<unknown>,
  now: number,
): WaitProgress {
  if (isSettled(progress.phase)) return progress;
  switch (state.status) {
    case 'connecting':
      return { ...progress, attempts: progress.attempts + 1, phase: { status: 'connecting' } };
    case 'retrying':
      return {
        ...progress,
        lastError: summarizeError(state.error),
        phase: { status: 'retrying', delayMs: state.delayMs, nextAt: now + state.delayMs },
      };
    case 'failed':
      return { ...progress, lastError: summarizeError(state.error) };
    case 'idle':
    case 'connected':
    case 'closed':
      return progress;
    default:
      return assertNever(state);
  }
}
