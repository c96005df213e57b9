// Write accounting for the chaos invariants "no acknowledged write lost" and "no write
// applied twice": every write has an id; callers' outcomes are recorded; after recovery the
// scenario reads what the server applied and the ledger checks the two sets against each other.
import { AssertionError } from 'chai';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';

export type WriteOutcome = 'acknowledged' | 'outcome-unknown' | 'failed';

export class WriteLedger {
  private readonly outcomes = new Map<string, WriteOutcome>();
  /** Error codes (or names) callers saw, with counts. */
  readonly errorCodes = new Map<string, number>();

  /** Records a write's outcome from what its promise did. */
  settle(id: string, result: { ok: true } | { ok: false; error: unknown }): WriteOutcome {
    const outcome: WriteOutcome = result.ok
      ? 'acknowledged'
      : isHoldfastError(result.error) && result.error.code === 'ERR_HOLDFAST_OUTCOME_UNKNOWN'
        ? 'outcome-unknown'
        : 'failed';
    if (this.outcomes.has(id)) throw new Error(`WriteLedger: write ${id} settled twice`);
    this.outcomes.set(id, outcome);
    if (!result.ok) {
      const code = errorCode(result.error);
      this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
    }
    return outcome;
  }

  /** Runs `write` and records its outcome; never throws. */
  async run(id: string, write: () => Promise<unknown>): Promise<WriteOutcome> {
    try {
      await write();
      return this.settle(id, { ok: true });
    } catch (error) {
      return this.settle(id, { ok: false, error });
    }
  }

  count(outcome: WriteOutcome): number {
    let n = 0;
    for (const o of this.outcomes.values()) if (o === outcome) n++;
    return n;
  }

  /** The ids of the writes that ended with `outcome`. */
  idsWith(outcome: WriteOutcome): string[] {
    return [...this.outcomes].filter(([, o]) => o === outcome).map(([id]) => id);
  }

  /**
   * Checks the ids the server holds (one entry per applied write, duplicates kept):
   * every acknowledged id is there, none twice, and none that failed outright.
   */
  checkApplied(applied: readonly string[]): void {
    const seen = new Map<string, number>();
    for (const id of applied) seen.set(id, (seen.get(id) ?? 0) + 1);
    const lost = [...this.outcomes].filter(([id, o]) => o === 'acknowledged' && !seen.has(id));
    const twice = [...seen].filter(([, n]) => n > 1);
    const ghost = [...seen.keys()].filter((id) => this.outcomes.get(id) === 'failed');
    const problems = [
      lost.length > 0
        ? `${lost.length} acknowledged write(s) lost: ${ids(lost.map(([id]) => id))}`
        : '',
      twice.length > 0
        ? `${twice.length} write(s) applied twice: ${ids(twice.map(([id]) => id))}`
        : '',
      ghost.length > 0
        ? `${ghost.length} write(s) reported failed were applied: ${ids(ghost)}`
        : '',
    ].filter((p) => p !== '');
    if (problems.length > 0) throw new AssertionError(problems.join('; '));
  }

  /**
   * Checks a counter incremented once per write (Redis INCR): acknowledged <= value <=
   * acknowledged + outcome-unknown.
   */
  checkCounter(value: number): void {
    const acked = this.count('acknowledged');
    const unknown = this.count('outcome-unknown');
    if (value < acked) {
      throw new AssertionError(`counter ${value} < ${acked} acknowledged: writes lost`);
    }
    if (value > acked + unknown) {
      throw new AssertionError(
        `counter ${value} > ${acked} acknowledged + ${unknown} outcome-unknown: a write applied twice`,
      );
    }
  }

  /** One line for docs/reliability.md, e.g. "812 ok, 3 OutcomeUnknownError, 2 failed (...)". */
  summary(): string {
    const failed = this.count('failed');
    const codes = [...this.errorCodes].map(([code, n]) => `${code} x${n}`).join(', ');
    return (
      `${this.count('acknowledged')} ok, ${this.count('outcome-unknown')} OutcomeUnknownError, ` +
      `${failed} failed${codes === '' ? '' : ` (${codes})`}`
    );
  }

  /** Raw numbers for the results file. */
  counts(): Record<string, number> {
    return {
      acknowledged: this.count('acknowledged'),
      outcomeUnknown: this.count('outcome-unknown'),
      failed: this.count('failed'),
    };
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'unknown';
}

function ids(list: readonly string[]): string {
  return list.length > 5 ? `${list.slice(0, 5).join(', ')}, ...` : list.join(', ');
}
