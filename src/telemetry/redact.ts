// One function strips secrets from any text that leaves holdfast: log lines, span attributes,
// error messages, CLI output (DESIGN.md "Telemetry").
const urlUserinfo = /\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*)(?::[^/@\s]*)?@/gi;
const keyValueSecret =
  /\b(password|passwd|pwd|pass|secret|token|api[_-]?key|auth)(["']?\s*[:=]\s*["']?)([^\s"',;&}]+)/gi;
const authCommand = /\b(AUTH)(\s+)(?:(\S+)\s+)?(\S+)/g;

export const redactedMarker = '***';

/** Replaces URL passwords, `password=...` style pairs and `AUTH` arguments with `***`. */
export function redact(text: string): string {
  return text
    .replace(urlUserinfo, (_all, scheme: string, user: string) =>
      user ? `${scheme}${user}:${redactedMarker}@` : `${scheme}${redactedMarker}@`,
    )
    .replace(keyValueSecret, (_all, key: string, sep: string) => `${key}${sep}${redactedMarker}`)
    .replace(
      authCommand,
      (_all, verb: string, space: string) => `${verb}${space}${redactedMarker}`,
    );
}

/** A redacted, one-line description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return redact(error.message || error.name);
  return redact(String(error));
}
