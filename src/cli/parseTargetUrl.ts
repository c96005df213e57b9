import { describeUnparsedUrl } from '../telemetry/describeUnparsedUrl.js';
import { parseCredentialUrl } from '../internal/parseCredentialUrl.js';
import { UsageError } from './UsageError.js';

/** A MySQL / MariaDB target: `mysql://user:pass@host:port/db`. */
export interface MysqlTargetUrl {
  readonly kind: 'mysql';
  readonly host: string;
  /** @default 3306 */
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  /** The URL as it may be shown: the password replaced by `***`. */
  readonly display: string;
}

/** A Redis target: `redis://[[user]:pass@]host:port[/db]`, or `rediss://` for TLS. */
export interface RedisTargetUrl {
  readonly kind: 'redis';
  readonly tls: boolean;
  readonly host: string;
  /** @default 6379 */
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** @default 0 */
  readonly db: number;
  /** The URL as it may be shown: the password replaced by `***`. */
  readonly display: string;
}

export type TargetUrl = MysqlTargetUrl | RedisTargetUrl;

const schemes = { 'mysql:': 3306, 'redis:': 6379, 'rediss:': 6379 } as const;
type Scheme = keyof typeof schemes;
const maxRedisDb = 2 ** 31 - 1;

/**
 * Parses one target URL of the command line. Percent-encoded characters in the user, password
 * and database are decoded (`p%40ss` is `p@ss`).
 *
 * @throws {UsageError} the scheme is not mysql/redis/rediss, the host is missing, the port is
 *   not a whole number in 1..65535, the path is not one database name (MySQL) or index (Redis),
 *   or the URL has a query or fragment; the message never shows the text given (it may hold a
 *   password): only its scheme, its length and what is wrong (`describeUnparsedUrl`)
 * @example
 * parseTargetUrl('mysql://app:secret@db:3306/shop').display; // 'mysql://app:***@db:3306/shop'
 */
export function parseTargetUrl(text: string): TargetUrl {
  const fail = (
    why: string,
    hint = 'Expected mysql://user:pass@host:port/db or redis://[:pass@]host:port[/db].',
  ): never => {
    throw new UsageError(`Invalid target URL, ${describeUnparsedUrl(text)}: ${why}. ${hint}`);
  };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) fail('it does not start with mysql://, redis:// or rediss://');
  const protocol = `${String(scheme)}:`;
  if (!isScheme(protocol)) {
    return fail('the scheme is not supported (use mysql://, redis:// or rediss://)');
  }
  const parsed = parseCredentialUrl(text);
  if (!parsed.ok) return fail(parsed.why);
  const { url, username, password } = parsed;
  if (url.search !== '' || url.hash !== '') {
    fail('query parameters and fragments are not supported', 'Remove the part from "?" or "#" on.');
  }
  const hostname = url.hostname;
  const host = parsed.host;
  const port = url.port === '' ? schemes[protocol] : Number(url.port);
  if (port === 0) fail('the port 0 is not a port a server listens on');
  const segments = url.pathname.split('/').filter((s, i) => i > 0 || s !== '');
  if (segments.length > 1) fail('the path has more than one segment');
  const path = segments[0] ?? '';
  const userinfo =
    username === '' && password === '' ? '' : `${url.username}${password === '' ? '' : ':***'}@`;
  const authority = `${userinfo}${hostname}:${port}`;

  if (protocol === 'mysql:') {
    const database = decode(path, 'database name', fail);
    return {
      kind: 'mysql',
      host,
      port,
      user: username === '' ? undefined : username,
      password: password === '' ? undefined : password,
      database: database === '' ? undefined : database,
      display: `mysql://${authority}${path === '' ? '' : `/${path}`}`,
    };
  }
  if (path !== '' && !/^\d+$/.test(path)) {
    fail('the database is not a number (Redis databases are 0, 1, 2, ...)');
  }
  const db = path === '' ? 0 : Number(path);
  if (db > maxRedisDb) fail('the database index is too large');
  return {
    kind: 'redis',
    tls: protocol === 'rediss:',
    host,
    port,
    username: username === '' ? undefined : username,
    password: password === '' ? undefined : password,
    db,
    display: `${String(scheme)}://${authority}${path === '' ? '' : `/${String(db)}`}`,
  };
}

function isScheme(protocol: string): protocol is Scheme {
  return Object.hasOwn(schemes, protocol);
}

function decode(value: string, what: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`the ${what} has a malformed %-escape`);
  }
}
