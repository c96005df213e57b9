/**
 * The known name a mistyped one most likely meant, or undefined when none is close: the same
 * name in another case or spelling (`keyprefix`, `key_prefix`, `KEY-PREFIX` for `keyPrefix`),
 * else the nearest by edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours), allowing one edit per four characters (at least one, at most three).
 *
 * @example
 * suggestName('maxRetriez', ['maxRetries', 'maxDelayMs']); // 'maxRetries'
 */
export function suggestName(given: string, known: readonly string[]): string | undefined {
  const normalized = normalize(given);
  const same = known.find((name) => normalize(name) === normalized);
  if (same !== undefined) return same;
  const allowed = Math.min(3, Math.max(1, Math.floor(given.length / 4)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const name of known) {
    const distance = editDistance(given.toLowerCase(), name.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** The `Did you mean ...?` sentence for `given`, or '' when nothing is close. */
export function didYouMean(given: string, known: readonly string[]): string {
  const suggestion = suggestName(given, known);
  return suggestion === undefined ? '' : ` Did you mean \`${suggestion}\`?`;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** Optimal string alignment distance; stops early once every path exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? limit;
}
