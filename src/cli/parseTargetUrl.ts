import { redact } from '../telemetry/redact.js';
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
 *   or the URL has a query or fragment; the message shows the URL with its password masked.
 * @example
 * parseTargetUrl('mysql://app:secret@db:3306/shop').display; // 'mysql://app:***@db:3306/shop'
 */
export function parseTargetUrl(text: string): TargetUrl {
  const shown = maskUrlText(text);
  const fail = (
    why: string,
    hint = 'Expected mysql://user:pass@host:port/db or redis://[:pass@]host:port[/db].',
  ): never => {
    throw new UsageError(`Invalid target URL ${shown}: ${why}. ${hint}`);
  };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) fail('it does not start with mysql://, redis:// or rediss://');
  const protocol = `${String(scheme)}:`;
  if (!isScheme(protocol)) {
    return fail(
      `the scheme ${String(scheme)}:// is not supported (use mysql://, redis:// or rediss://)`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const port = /:([^:/?#\]]*)(?:[/?#]|$)/.exec(text.slice(text.lastIndexOf('@') + 1))?.[1];
    if (port !== undefined && !/^\d+$/.test(port))
      fail(`the port "${redact(port)}" is not a number`);
    if (port !== undefined && Number(port) > 65535) fail(`the port ${port} is above 65535`);
    return fail('it is not a well-formed URL');
  }
  if (url.search !== '' || url.hash !== '') {
    fail('query parameters and fragments are not supported', 'Remove the part from "?" or "#" on.');
  }
  const hostname = url.hostname;
  if (hostname === '') fail('the host is missing');
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const port = url.port === '' ? schemes[protocol] : Number(url.port);
  if (port === 0) fail('the port 0 is not a port a server listens on');
  const username = decode(url.username, 'user name', fail);
  const password = decode(url.password, 'password', fail);
  const segments = url.pathname.split('/').filter((s, i) => i > 0 || s !== '');
  if (segments.length > 1) fail(`the path "${url.pathname}" has more than one segment`);
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
    fail(`the database "${path}" is not a number (Redis databases are 0, 1, 2, ...)`);
  }
  const db = path === '' ? 0 : Number(path);
  if (db > maxRedisDb) fail(`the database ${path} is too large`);
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

/**
 * Masks the password of a URL that may not even parse: everything between the user name and
 * the LAST `@` before the path (an unescaped `@` in a password must not leak its tail), then
 * the shared redaction on top.
 */
export function maskUrlText(text: string): string {
  const start = text.indexOf('://');
  if (start < 0) return redact(text);
  const authorityStart = start + 3;
  const at = text.lastIndexOf('@');
  if (at < authorityStart) return redact(text);
  const userinfo = text.slice(authorityStart, at);
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const masked = colon < 0 ? user : `${user}:***`;
  return redact(`${text.slice(0, authorityStart)}${masked}${text.slice(at)}`);
}
