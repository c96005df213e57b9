// One function strips secrets from any text that leaves holdfast: log lines, span attributes,
// span events, error messages, CLI output (DESIGN.md "Telemetry"). It errs on the side of
// removing too much: a redacted word too many costs nothing, a leaked password costs a rotation.

/** What a secret is replaced with. */
export const redactedMarker = '***';

// scheme://user:password@host — greedy within the authority, so a password containing `@` goes
// whole; the authority never contains `/`, which keeps `file:///node_modules/@scope` stack
// frames readable. Without a colon the single component may be a password (`redis://pw@h`).
const urlUserinfo = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/"'<>`]*)@/gi;

// user:password@host without a scheme (DSNs, `host=` fragments).
const bareUserinfo = /(^|[\s(,;'"=[{])([\w.+-]+):([^\s/@"'<>`]+(?:@[^\s/@"'<>`]+)*)@(?=[\w[])/g;

// `Authorization: Bearer x`, `Basic x`, JWTs anywhere.
const bearerToken = /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]+/g;
const jwt = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

// password=x, "password":"x", password: 'x', DB_PASSWORD=x, apiKey=x, ?token=x&, PASSWORD = 'x'.
// MySQL's "(using password: YES)" is kept: it says whether one was sent, not what it was.
const secretKey = String.raw`[\w.-]*?(?:password|passwd|pwd|passphrase|pass|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth(?:orization)?)[\w-]*`;
// The key is a whole identifier (it starts where one starts), and one that names an error is no
// key: `ER_ACCESS_DENIED_NO_PASSWORD_ERROR: Access denied`, `ER_MUST_CHANGE_PASSWORD: You must`
// (MySQL and Node codes start ER_/ERR_), `AuthenticationError: ...`, `password_error: too short`.
const errorName = String.raw`(?:ERR?_|[\w.-]*?err(?:or)?["']?\s*[:=])`;
const keyValueSecret = new RegExp(
  String.raw`(?<![\w.-])(?!${errorName})(${secretKey})(["']?\s*[:=]\s*)(?!(?:YES|NO)\)|(?:Bearer|Basic|Token)\s)("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^\s"',;&}\])]+)`,
  'gi',
);

// --password x, --db-password=x (command lines).
const flagSecret = new RegExp(String.raw`(^|\s)(--?${secretKey})(\s+)(?!-)(\S+)`, 'gi');

// Redis: AUTH [user] pass, HELLO 3 AUTH user pass, ["auth","user","pass"], requirepass x.
const authCommand = /\b(AUTH)(\s+)(?:\S+\s+)?\S+/g;
const authArray =
  /(["'])(auth)\1(\s*,\s*)(["'])(?:\\.|(?!\4).)*\4(?:(\s*,\s*)(["'])(?:\\.|(?!\6).)*\6)?/gi;
const redisConfigSecret = /\b(requirepass|masterauth)(\s+)(["']?)\S+/gi;

// SQL: IDENTIFIED BY 'x', IDENTIFIED WITH plugin BY 'x', PASSWORD('x').
const identifiedBy =
  /\b(IDENTIFIED(?:\s+WITH\s+\S+)?\s+(?:BY|AS)\s+)('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/gi;
const passwordFunction = /\b(PASSWORD\s*\(\s*)('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")(\s*\))/gi;

const knownSecrets = new Map<string, number>();
const minimumKnownSecretLength = 4;

/**
 * Replaces secrets with `***`: URL userinfo (`mysql://user:***@host`), `password=...`-style
 * pairs in any quoting (`"password":"..."`, `password: '...'`, `DB_PASSWORD=...`, `?token=`),
 * `--password x` flags, `Bearer`/`Basic` credentials and JWTs, Redis `AUTH [user] pass` (also as
 * an argument array), `requirepass`/`masterauth`, SQL `IDENTIFIED BY '...'` and `PASSWORD('...')`,
 * and every literal occurrence of a secret given to `registerSecret`.
 *
 * @example
 * redact('connect mysql://app:hunter2@db:3306/shop failed'); // 'connect mysql://app:***@db:3306/shop failed'
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets.keys()) {
    if (out.includes(secret)) out = out.split(secret).join(redactedMarker);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(redactedMarker);
  }
  return out
    .replace(urlUserinfo, (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon < 0
        ? `${scheme}${redactedMarker}@`
        : `${scheme}${userinfo.slice(0, colon)}:${redactedMarker}@`;
    })
    .replace(
      bareUserinfo,
      (_all, lead: string, user: string) => `${lead}${user}:${redactedMarker}@`,
    )
    .replace(
      bearerToken,
      (_all, scheme: string, space: string) => `${scheme}${space}${redactedMarker}`,
    )
    .replace(jwt, redactedMarker)
    .replace(authCommand, (_all, verb: string, space: string) => `${verb}${space}${redactedMarker}`)
    .replace(
      authArray,
      (_all, q: string, verb: string, comma: string, q2: string, comma2?: string, q3?: string) =>
        `${q}${verb}${q}${comma}${q2}${redactedMarker}${q2}` +
        (comma2 !== undefined && q3 !== undefined ? `${comma2}${q3}${redactedMarker}${q3}` : ''),
    )
    .replace(
      redisConfigSecret,
      (_all, key: string, space: string, quote: string) =>
        `${key}${space}${quote}${redactedMarker}${quote}`,
    )
    .replace(identifiedBy, (_all, head: string, value: string) => {
      const quote = value.charAt(0);
      return `${head}${quote}${redactedMarker}${quote}`;
    })
    .replace(passwordFunction, (_all, head: string, value: string, tail: string) => {
      const quote = value.charAt(0);
      return `${head}${quote}${redactedMarker}${quote}${tail}`;
    })
    .replace(keyValueSecret, (_all, key: string, sep: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value.charAt(0) : '';
      return `${key}${sep}${quote}${redactedMarker}${quote}`;
    })
    .replace(
      flagSecret,
      (_all, lead: string, flag: string, space: string) =>
        `${lead}${flag}${space}${redactedMarker}`,
    );
}

/**
 * Makes `redact` remove every literal occurrence of `secret` (and its URL-encoded form), whatever
 * surrounds it. The driver layers register the passwords they are configured with. Secrets
 * shorter than 4 characters are ignored (they would mangle ordinary words). Returns the function
 * that unregisters it (reference-counted, idempotent).
 */
export function registerSecret(secret: string | undefined): () => void {
  if (secret === undefined || secret.length < minimumKnownSecretLength) return () => undefined;
  knownSecrets.set(secret, (knownSecrets.get(secret) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const count = (knownSecrets.get(secret) ?? 1) - 1;
    if (count <= 0) knownSecrets.delete(secret);
    else knownSecrets.set(secret, count);
  };
}

/**
 * A redacted, one-line description of any thrown value: its message, or for an AggregateError
 * with no message (Node's refused connect to `localhost`) the messages of the errors inside.
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    const inner = (error.errors as unknown[]).map((e) =>
      e instanceof Error ? e.message || e.name : String(e),
    );
    return redact(inner.length > 0 ? inner.join('; ') : error.name);
  }
  if (error instanceof Error) return redact(error.message || error.name);
  return redact(String(error));
}

/** `name`, message and stack of an error, redacted, for a span's exception event. */
export function redactedException(error: unknown): {
  name: string;
  message: string;
  stack?: string;
} {
  const message = describeError(error);
  if (!(error instanceof Error)) return { name: typeof error, message };
  return error.stack === undefined
    ? { name: error.name, message }
    : { name: error.name, message, stack: redact(error.stack) };
}
