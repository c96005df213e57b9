// The table the demo ends with (spec/integration/demo.spec.ts reads it: keep the columns).
import { bold, dim, green, red } from './paint.js';
import type { TargetSummary } from './TargetRun.js';

const columns = ['target', 'calls', 'ok', 'errors', 'retries', 'waited', 'slowest', 'recovery'];

export function printSummary(
  summaries: readonly TargetSummary[],
  outageMs: number,
  print: (line: string) => void,
): void {
  const rows = summaries.map((s) => [
    s.label,
    String(s.calls),
    String(s.ok),
    String(s.errors),
    String(s.retries),
    String(s.waited),
    `${s.slowestMs} ms`,
    s.recoveryMs === undefined ? 'never' : `${s.recoveryMs} ms`,
  ]);
  const widths = columns.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  print('');
  print(bold(`Summary (link cut for ${(outageMs / 1000).toFixed(1)} s)`));
  print(`  ${dim(line(columns))}`);
  for (const row of rows) print(`  ${line(row)}`);
  print('');
  print(
    dim(
      '  calls: workload calls made; waited: calls that took over 250 ms because they waited for the',
    ),
  );
  print(dim('  reconnect; recovery: from the link coming back to the first connected state.'));
  for (const s of summaries) {
    const codes = Object.entries(s.errorCodes);
    if (codes.length > 0) {
      print(
        `  ${red(`${s.label} errors:`)} ${codes.map(([code, n]) => `${code} x${n}`).join(', ')}`,
      );
    }
  }
  const clean = summaries.every((s) => s.errors === 0 && s.recoveryMs !== undefined);
  print(
    clean
      ? green('  Every call succeeded: callers waited through the outage instead of failing.')
      : red('  Some calls failed or a target did not recover: see above.'),
  );
}
