// The invariants every chaos scenario asserts (issue 8): the state stream follows
// connectionTransitions and ends connected, no unhandled rejection, no password in any
// output, no handle left after close. Write accounting lives in WriteLedger.ts.
import { inspect } from 'node:util';
import { AssertionError } from 'chai';
import type { Observable } from 'rxjs';
import {
  type ConnectionState,
  type ConnectionStatus,
  isAllowedTransition,
} from '../../src/connection/ConnectionState.js';
import type { Logger } from '../../src/telemetry/Logger.js';
import { testTimerPending } from '../helpers/currentTest.js';

/** The names of the invariants, as they appear in docs/reliability.md. */
export const invariantNames = {
  noLostWrite: 'no acknowledged write lost',
  noDoubleWrite: 'no write applied twice',
  noUnhandledRejection: 'no unhandled rejection',
  noPassword: 'no password in any output',
  transitions: 'state stream follows the allowed transitions',
  endsConnected: 'ends connected after recovery',
  handlesReleased: 'no handle left after close',
} as const;

/** What every scenario that writes under a fault and recovers checks (in this order). */
export const recoveryInvariants = [
  invariantNames.noLostWrite,
  invariantNames.noDoubleWrite,
  invariantNames.noUnhandledRejection,
  invariantNames.transitions,
  invariantNames.endsConnected,
  invariantNames.handlesReleased,
] as const;

// ---------------------------------------------------------------------------- state stream

/** Records every status a `state$` emits (it replays the current one on subscribe). */
export interface StateRecorder {
  readonly statuses: ConnectionStatus[];
  /** Stops recording (also done when the stream completes after `closed`). */
  stop(): void;
}

export function recordStates<C>(state$: Observable<ConnectionState<C>>): StateRecorder {
  const statuses: ConnectionStatus[] = [];
  const subscription = state$.subscribe((state) => statuses.push(state.status));
  return {
    statuses,
    stop: () => {
      subscription.unsubscribe();
    },
  };
}

/** Every consecutive pair is in connectionTransitions (repeats of one status are allowed). */
export function assertTransitionsAllowed(statuses: readonly ConnectionStatus[]): void {
  for (let i = 1; i < statuses.length; i++) {
    const from = statuses[i - 1]!;
    const to = statuses[i]!;
    if (from !== to && !isAllowedTransition(from, to)) {
      throw new AssertionError(
        `illegal transition ${from} -> ${to} at index ${i} in ${statuses.join(' > ')}`,
      );
    }
  }
}

/** The last status before `closed` (or the last one, if not closed) is `connected`. */
export function assertEndsConnected(statuses: readonly ConnectionStatus[]): void {
  const open = statuses.at(-1) === 'closed' ? statuses.slice(0, -1) : statuses;
  if (open.at(-1) !== 'connected') {
    throw new AssertionError(`expected to end connected; saw ${statuses.join(' > ')}`);
  }
}

// --------------------------------------------------------------------- unhandled rejections

export interface RejectionWatch {
  readonly rejections: unknown[];
  /** Stops watching and throws if any rejection went unhandled meanwhile. */
  assertNone(): void;
}

/** Collects unhandled rejections from now on (spec/helpers/setup.ts also fails the run). */
export function watchUnhandledRejections(): RejectionWatch {
  const rejections: unknown[] = [];
  const listener = (reason: unknown): void => {
    rejections.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    rejections,
    assertNone: () => {
      process.off('unhandledRejection', listener);
      if (rejections.length > 0) {
        throw new AssertionError(
          `${rejections.length} unhandled rejection(s): ${rejections.map((r) => inspect(r)).join('\n')}`,
        );
      }
    },
  };
}

// ------------------------------------------------------------------------------ secrets

/** A Logger that keeps every line (message and fields, as text) for secret checks. */
export interface CapturingLogger extends Logger {
  readonly lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (message: string, fields?: object): void => {
      lines.push(
        `${level} ${message} ${fields === undefined ? '' : inspect(fields, { depth: 8 })}`,
      );
    };
  return {
    lines,
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
    debug: keep('debug'),
  };
}

/** Everything written to stdout and stderr until `stop()` (still passed through). */
export interface OutputCapture {
  text(): string;
  stop(): void;
}

export function captureOutput(): OutputCapture {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = (chunk: unknown, ...rest: never[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return originals[i]!(chunk as string, ...rest);
    };
  });
  return {
    text: () => chunks.join(''),
    stop: () => {
      streams.forEach((stream, i) => {
        stream.write = originals[i]!;
      });
    },
  };
}

/** All an error could show anyone: name, message, stack, own fields, the cause chain. */
export function errorText(error: unknown): string {
  return inspect(error, { depth: 8, showHidden: false });
}

/**
 * No text contains the secret. `texts` are log lines, captured output, `errorText()` of what
 * callers saw, span attributes...
 */
export function assertNoSecret(secret: string, texts: Iterable<string>, where = 'output'): void {
  if (secret.length < 4) throw new Error('assertNoSecret: use a distinctive secret (>= 4 chars)');
  for (const text of texts) {
    if (text.includes(secret)) {
      const at = text.indexOf(secret);
      throw new AssertionError(
        `the password appears in ${where}: ...${text.slice(Math.max(0, at - 60), at)}<SECRET>...`,
      );
    }
  }
}

// ------------------------------------------------------------------------------ handles

/** Kinds of resource a closed client must not leave behind. */
const trackedKinds = ['TCPSocketWrap', 'TCPServerWrap', 'TCPWrap', 'Timeout', 'Immediate'];

/**
 * Counts of the active resources that matter (process.getActiveResourcesInfo()). Mocha arms
 * the test's own timeout timer only after the test function returned its promise; a snapshot
 * taken before that (synchronously at the start of the test) counts that timer in advance.
 */
export function resourceSnapshot(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (trackedKinds.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  if (testTimerPending()) counts.Timeout = (counts.Timeout ?? 0) + 1;
  return counts;
}

/**
 * Waits (up to `timeoutMs`, sockets close asynchronously) until no tracked kind counts more
 * than in `before`; throws with the difference otherwise.
 */
export async function assertHandlesReleased(
  before: Record<string, number>,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = resourceSnapshot();
    const extra = Object.entries(now).filter(([kind, n]) => n > (before[kind] ?? 0));
    if (extra.length === 0) return;
    if (Date.now() > deadline) {
      throw new AssertionError(
        `handles left after close: ${extra.map(([k, n]) => `${k} ${before[k] ?? 0} -> ${n}`).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
