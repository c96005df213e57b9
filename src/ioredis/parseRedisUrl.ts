import type { RedisOptions } from 'ioredis';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { parseCredentialUrl } from '../internal/parseCredentialUrl.js';
import { describeUnparsedUrl } from '../telemetry/describeUnparsedUrl.js';

/** A Redis URL taken apart: ioredis options, and how it may be shown (no password). */
export interface ParsedRedisUrl {
  readonly options: RedisOptions;
  /** `redis://127.0.0.1:6379/0`: no userinfo, safe for logs and errors. */
  readonly display: string;
}

const defaultPort = 6379;

/**
 * Parses `redis://[[user]:pass@]host[:port][/db][?option=value]`, `rediss://...` (TLS) or a
 * Unix socket path (`/run/redis.sock`), as ioredis does: user and password are percent-decoded,
 * the path is the database index, query parameters become options (`?family=6`). A text that
 * starts with `//` or holds an `@` is never taken as a socket path (`//root:pw@host:6379` is a
 * URL missing its scheme, not a file).
 *
 * @param where what to name in errors: `url` or `REDIS_URL`
 * @throws {ConfigurationError} another scheme, a malformed URL, port or database index; the
 *   message never shows the text (it may hold a password): only its scheme, length and what is
 *   wrong (`describeUnparsedUrl`)
 * @example
 * parseRedisUrl('redis://:s3cret@cache:6380/2', 'url').display; // 'redis://cache:6380/2'
 */
export function parseRedisUrl(text: string, where: string): ParsedRedisUrl {
  const fail = (why: string): never => {
    throw new ConfigurationError(
      `${where} (${describeUnparsedUrl(text)}) is not a Redis URL: ${why}. Expected redis://[[user]:password@]host[:port][/db], rediss://... or a socket path.`,
      { option: where },
    );
  };
  if (text.startsWith('/')) {
    if (text.startsWith('//') || text.includes('@')) {
      return fail('it starts with "/" like a socket path but looks like a URL without its scheme');
    }
    const [path = text, query] = text.split('?', 2);
    return { options: { path, ...queryOptions(query, fail) }, display: path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') {
    return fail(
      scheme === undefined ? 'no redis:// or rediss:// scheme' : 'another scheme than redis://',
    );
  }
  const parsed = parseCredentialUrl(text);
  if (!parsed.ok) return fail(parsed.why);
  const { url, host, username, password } = parsed;
  const port = url.port === '' ? defaultPort : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? undefined : Number(dbText);
  if (db !== undefined && (!/^\d+$/.test(dbText) || !Number.isSafeInteger(db))) {
    fail('the database index is not a whole number');
  }
  if (url.hash !== '') fail('a #fragment');
  const options: RedisOptions = {
    host,
    port,
    ...(db !== undefined && { db }),
    ...(username !== '' && { username }),
    ...(password !== '' && { password }),
    ...(scheme === 'rediss' && { tls: {} }),
    ...queryOptions(url.search.replace(/^\?/, ''), fail),
  };
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    options,
    display: `${scheme}://${shownHost}:${port}${db === undefined ? '' : `/${db}`}`,
  };
}

function queryOptions(query: string | undefined, fail: (why: string) => never): RedisOptions {
  if (query === undefined || query === '') return {};
  const options: Record<string, string | number> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === 'family' || key === 'db') {
      const number = Number(value);
      if (!Number.isSafeInteger(number)) fail(`the ${key} parameter is not a whole number`);
      options[key] = number;
    } else {
      options[key] = value;
    }
  }
  return options;
}
