// Chaos scenarios record what they did and saw; scripts/reliabilityReport.ts turns the
// records into the table of docs/reliability.md.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** One row of docs/reliability.md. Record it after the scenario's assertions passed. */
export interface ScenarioRecord {
  /** Which side of the library the scenario exercises. */
  readonly target: 'mysql' | 'redis';
  /** Short name, unique per target, e.g. `'kill -9 under load'`. */
  readonly scenario: string;
  /** What was injected, e.g. `'SIGKILL mariadbd after 200 writes, restart after 1 s'`. */
  readonly injected: string;
  /** What callers saw, e.g. `'812 ok, 3 OutcomeUnknownError, 0 other errors'`. */
  readonly callersSaw: string;
  /** From the fault's end (restart, resume, toxic removed) to the first success; null if n/a. */
  readonly recoveryMs: number | null;
  /** Names of the invariants asserted, e.g. `['no acknowledged write lost', ...]`. */
  readonly invariants: readonly string[];
  /** Optional raw numbers (acknowledged, applied, outcomeUnknown, ...), kept in the JSON. */
  readonly counts?: Readonly<Record<string, number>>;
}

/** A stored record: the caller's fields plus when it was written. */
export interface StoredScenarioRecord extends ScenarioRecord {
  readonly recordedAt: string;
}

/** The results file: HOLDFAST_CHAOS_RESULTS, or `.tmp/chaos-results.json` under the cwd. */
export function chaosResultsPath(): string {
  return resolve(process.env.HOLDFAST_CHAOS_RESULTS ?? '.tmp/chaos-results.json');
}

/** Reads every stored record (an empty list when there is no file yet). */
export function readScenarioRecords(path = chaosResultsPath()): StoredScenarioRecord[] {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as StoredScenarioRecord[]) : [];
  } catch {
    return [];
  }
}

/**
 * Stores one scenario's outcome, replacing an earlier record with the same target and
 * scenario name. Synchronous (and atomic through a rename), so no await is needed.
 */
export function recordScenario(record: ScenarioRecord): void {
  const path = chaosResultsPath();
  const others = readScenarioRecords(path).filter(
    (r) => !(r.target === record.target && r.scenario === record.scenario),
  );
  const stored: StoredScenarioRecord = { ...record, recordedAt: new Date().toISOString() };
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify([...others, stored], null, 2)}\n`);
  renameSync(temp, path);
}
