// The one rule for text that may hold a credential and could not be used as a URL (issue 13):
// it is never echoed, not even redacted. A malformed URL defeats every pattern `redact` knows
// (`mysql:/root:pw@h`, `redis//:pw@h`, `//root:pw@h:1`), so the only safe way to show it is not
// to. What is shown instead: the scheme, when it is one we know (never user text that could be
// a password), and the length, so that the user can tell which of several values is meant.

const knownSchemes = new Set([
  'mysql',
  'mariadb',
  'mysqlx',
  'redis',
  'rediss',
  'valkey',
  'valkeys',
  'unix',
  'tcp',
  'http',
  'https',
  'postgres',
  'postgresql',
  'mongodb',
]);

/**
 * A description of a URL-like text that failed to parse or validate, safe for any message: the
 * text itself never appears; only its scheme and the slashes after it, when the scheme is a
 * known one (`"mysql:/"`, `"redis//"`), and its length.
 *
 * @example
 * describeUnparsedUrl('mysql:/root:pw@db/shop'); // 'a URL starting "mysql:/" (22 characters; the rest is not shown, it may hold a password)'
 */
export function describeUnparsedUrl(text: string): string {
  const length = `${text.length} character${text.length === 1 ? '' : 's'}`;
  const prefix = safePrefix(text);
  return prefix === undefined
    ? `a value of ${length} (not shown: it may hold a password)`
    : `a URL starting "${prefix}" (${length}; the rest is not shown, it may hold a password)`;
}

/** The scheme and the `:` / slashes that follow it, when the scheme is a known one. */
function safePrefix(text: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*)(:?\/{0,3})/i.exec(text);
  if (match === null) return undefined;
  const [prefix, scheme = '', punctuation = ''] = match;
  if (!knownSchemes.has(scheme.toLowerCase())) return undefined;
  // `mysql` alone, then `@...`: not visibly a scheme; show nothing rather than guess.
  if (punctuation === '' && text.length > scheme.length) return undefined;
  return prefix;
}
