import type { PoolOptions } from 'mysql2';
import { assertNever } from '../internal/assertNever.js';
import type { ExcludedMysqlOptions } from './DatabasePoolConfig.js';

/** The shape a mysql2 option's value must have; checked before anything connects. */
export type OptionShape =
  | 'string'
  | 'secret'
  | 'port'
  | 'count'
  | 'boolean'
  | 'function'
  | 'object'
  | 'boolean-or-function'
  | 'boolean-or-list'
  | 'boolean-or-string'
  | 'string-or-object'
  | 'string-or-list'
  | 'function-or-object'
  | 'any';

/**
 * Every mysql2 pool option holdfast passes through, with the shape its value must have. mysql2
 * only prints a warning for an unknown key; holdfast refuses it, so a typo (`conectTimeout`)
 * fails at startup instead of being ignored. `Promise`, `pool`, `isServer` and the deprecated
 * `authSwitchHandler` are not accepted: holdfast owns the promise layer and the pool.
 */
export const mysqlOptionRules = {
  host: 'string',
  port: 'port',
  user: 'string',
  password: 'secret',
  password1: 'secret',
  password2: 'secret',
  password3: 'secret',
  passwordSha1: 'secret',
  database: 'string',
  socketPath: 'string',
  localAddress: 'string',
  uri: 'secret',
  charset: 'string',
  charsetNumber: 'count',
  timezone: 'string',
  connectTimeout: 'count',
  ssl: 'string-or-object',
  flags: 'string-or-list',
  compress: 'boolean',
  supportBigNumbers: 'boolean',
  bigNumberStrings: 'boolean',
  decimalNumbers: 'boolean',
  dateStrings: 'boolean-or-list',
  jsonStrings: 'boolean',
  typeCast: 'boolean-or-function',
  rowsAsArray: 'boolean',
  nestTables: 'boolean-or-string',
  namedPlaceholders: 'boolean',
  multipleStatements: 'boolean',
  stringifyObjects: 'boolean',
  insecureAuth: 'boolean',
  enableCleartextPlugin: 'boolean',
  enableKeepAlive: 'boolean',
  keepAliveInitialDelay: 'count',
  maxPreparedStatements: 'count',
  connectAttributes: 'object',
  authPlugins: 'object',
  infileStreamFactory: 'function',
  queryFormat: 'function',
  stream: 'function-or-object',
  disableEval: 'boolean',
  trace: 'boolean',
  debug: 'any',
  gracefulEnd: 'boolean',
  connectionLimit: 'count',
  maxIdle: 'count',
  idleTimeout: 'count',
  queueLimit: 'count',
  waitForConnections: 'boolean',
  resetOnRelease: 'boolean',
} as const satisfies Record<Exclude<keyof PoolOptions, ExcludedMysqlOptions>, OptionShape>;

export type MysqlOptionKey = keyof typeof mysqlOptionRules;

/** True when `value` has `shape`. */
export function hasShape(value: unknown, shape: OptionShape): boolean {
  switch (shape) {
    case 'string':
    case 'secret':
      return typeof value === 'string';
    case 'port':
      return (
        (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) ||
        (typeof value === 'string' && /^\d{1,5}$/.test(value) && Number(value) <= 65535)
      );
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'function':
      return typeof value === 'function';
    case 'object':
      return isPlainObject(value);
    case 'boolean-or-function':
      return typeof value === 'boolean' || typeof value === 'function';
    case 'boolean-or-list':
      return typeof value === 'boolean' || Array.isArray(value);
    case 'boolean-or-string':
      return typeof value === 'boolean' || typeof value === 'string';
    case 'string-or-object':
      return typeof value === 'string' || isPlainObject(value);
    case 'string-or-list':
      return typeof value === 'string' || Array.isArray(value);
    case 'function-or-object':
      return typeof value === 'function' || (typeof value === 'object' && value !== null);
    case 'any':
      return true;
    default:
      return assertNever(shape);
  }
}

/** How an expected shape reads in an error message. */
export function describeShape(shape: OptionShape): string {
  switch (shape) {
    case 'string':
    case 'secret':
      return 'a string';
    case 'port':
      return 'a port number (0 to 65535)';
    case 'count':
      return 'a whole number >= 0';
    case 'boolean':
      return 'true or false';
    case 'function':
      return 'a function';
    case 'object':
      return 'an object';
    case 'boolean-or-function':
      return 'a boolean or a function';
    case 'boolean-or-list':
      return 'a boolean or an array';
    case 'boolean-or-string':
      return 'a boolean or a string';
    case 'string-or-object':
      return 'a string or an object';
    case 'string-or-list':
      return 'a string or an array';
    case 'function-or-object':
      return 'a function or a stream';
    case 'any':
      return 'anything';
    default:
      return assertNever(shape);
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
