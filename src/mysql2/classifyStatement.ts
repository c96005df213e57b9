/**
 * What holdfast knows about a SQL statement before it sends it: whether a second copy could
 * change anything (`read`), and a short name for errors and spans that never carries values.
 */
export interface StatementInfo {
  /**
   * `read`: running it twice is harmless, so it is re-sent after a lost connection.
   * `write`: anything else, including a read that takes locks or assigns variables.
   */
  readonly kind: 'read' | 'write';
  /** The leading keywords and identifiers, e.g. `INSERT INTO orders`; never a literal. */
  readonly operation: string;
}

const readVerbs = new Set(['SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'WITH']);
// A read that locks rows, writes a file or a variable, or hides another statement behind it.
const writeMarkers =
  /\bFOR\s+UPDATE\b|\bFOR\s+SHARE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b|\bINTO\b|\bANALYZE\b|\b(?:INSERT|UPDATE|DELETE|REPLACE|CALL)\b|;\s*\S/i;
const leadingNoise = /^(?:\s+|\(|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)+/;
const word = /^[A-Za-z_][A-Za-z0-9_$.]*|^`[^`]*`/;
const maxOperationWords = 3;
const cacheSize = 500;
// Statements with inlined values are long and unique: not worth remembering.
const maxCachedLength = 2048;
const cache = new Map<string, StatementInfo>();

/**
 * Classifies a statement by its text: SELECT, SHOW, DESCRIBE / DESC, EXPLAIN and WITH ... SELECT
 * are reads, unless they lock rows (`FOR UPDATE`, `FOR SHARE`, `LOCK IN SHARE MODE`), write
 * somewhere (`INTO`), execute something (`ANALYZE`, a data-changing keyword anywhere) or are
 * followed by another statement. Everything else is a write. Conservative by design: a read
 * mistaken for a write is merely not re-sent; the reverse could apply a write twice. A SELECT
 * that calls a function with side effects cannot be told apart: pass `idempotent: false`.
 *
 * @example
 * classifyStatement('SELECT * FROM users WHERE id = ?'); // { kind: 'read', operation: 'SELECT' }
 * classifyStatement('INSERT INTO orders VALUES (?)'); // { kind: 'write', operation: 'INSERT INTO orders' }
 */
export function classifyStatement(sql: string): StatementInfo {
  if (sql.length > maxCachedLength) return classifyText(sql);
  let info = cache.get(sql);
  if (info === undefined) {
    info = classifyText(sql);
    // Applications send a small set of statement texts: remember the latest few hundred.
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(sql, info);
  }
  return info;
}

function classifyText(sql: string): StatementInfo {
  const text = sql.replace(leadingNoise, '');
  const operation = operationName(text);
  const verb = /^[A-Za-z]+/.exec(text)?.[0].toUpperCase() ?? '';
  const read = readVerbs.has(verb) && !writeMarkers.test(text);
  return Object.freeze({ kind: read ? 'read' : 'write', operation });
}

/** Up to three leading words, stopping at the first literal, placeholder or punctuation. */
function operationName(text: string): string {
  const words: string[] = [];
  let rest = text;
  while (words.length < maxOperationWords) {
    const match = word.exec(rest);
    if (match === null) break;
    words.push(words.length === 0 ? match[0].toUpperCase() : match[0]);
    rest = rest.slice(match[0].length);
    const gap = /^\s+/.exec(rest);
    if (gap === null) break;
    rest = rest.slice(gap[0].length);
  }
  return words.length > 0 ? words.join(' ') : 'statement';
}
