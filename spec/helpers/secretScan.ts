// Distinctive test passwords and the check that none of them reached a log line, span or error.
// Integration and chaos suites configure their servers and clients with these passwords and
// capture their telemetry with captureTelemetry()/recordingLogger() (spec/helpers/telemetry.ts);
// spec/integration/noSecrets.spec.ts scans everything captured in the run at the end.
import { inspect } from 'node:util';

/** Passwords used by the test suites; each contains the marker `HF-S3cret`. */
export const testPasswords = {
  mysql: 'HF-S3cret-mysql-9x7',
  redis: 'HF-S3cret-redis-4k2',
  token: 'HF-S3cret-token-7q1',
} as const;

/** The substring every test secret shares: finding it anywhere is a leak. */
export const secretMarker = 'HF-S3cret';

/** Every form of a secret worth looking for: as is, URL-encoded, base64, and the marker. */
export function secretForms(secrets: readonly string[] = Object.values(testPasswords)): string[] {
  return [
    secretMarker,
    ...secrets.flatMap((s) => [
      s,
      encodeURIComponent(s),
      Buffer.from(s).toString('base64'),
      Buffer.from(s).toString('hex'),
    ]),
  ];
}

/** The texts that contain a secret, with the form found. */
export function findSecrets(
  texts: Iterable<string>,
  secrets: readonly string[] = Object.values(testPasswords),
): { text: string; form: string }[] {
  const forms = secretForms(secrets);
  const found: { text: string; form: string }[] = [];
  for (const text of texts) {
    const lower = text.toLowerCase();
    const form = forms.find((f) => lower.includes(f.toLowerCase()));
    if (form !== undefined) found.push({ text, form });
  }
  return found;
}

/** Throws, listing the offending texts, when any text contains a test secret. */
export function assertNoSecrets(
  texts: Iterable<string>,
  secrets: readonly string[] = Object.values(testPasswords),
): void {
  const found = findSecrets(texts, secrets);
  if (found.length === 0) return;
  const sample = found
    .slice(0, 10)
    .map(({ text, form }) => `  [${form}] ${text.slice(0, 300)}`)
    .join('\n');
  throw new Error(`${found.length} captured text(s) contain a test secret:\n${sample}`);
}

// The capture helpers the scan reads, re-exported so a suite needs one import.
export {
  allCapturedTexts,
  captureTelemetry,
  errorTexts,
  recordingLogger,
  type TelemetryCapture,
} from './telemetry.js';

/**
 * Every text an error carries, however deep: message, stack, each own enumerable string
 * property (`sql`, `address`, `path` ...), and the same for `cause`, every element of `errors`
 * and every own property holding an error; also `util.inspect` of the whole, which shows what
 * a user's `console.error(error)` would print.
 */
export function errorChainTexts(error: unknown, seen = new Set<unknown>()): string[] {
  if (seen.has(error) || seen.size > 50) return [];
  seen.add(error);
  if (typeof error !== 'object' || error === null) return [String(error)];
  const texts: string[] = seen.size === 1 ? [inspect(error, { depth: 8 })] : [];
  const record = error as Record<string, unknown> & { stack?: unknown; message?: unknown };
  for (const value of [record.message, record.stack]) {
    if (typeof value === 'string') texts.push(value);
  }
  const nested: unknown[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') texts.push(`${key}=${value}`);
    else if (value instanceof Error) nested.push(value);
  }
  if ('cause' in record && record.cause !== undefined) nested.push(record.cause);
  if (Array.isArray(record.errors)) nested.push(...(record.errors as unknown[]));
  return [...texts, ...nested.flatMap((inner) => errorChainTexts(inner, seen))];
}
