import type { ClassifierRule } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import type { ConnectionManagerOptions } from '../connection/ConnectionManagerOptions.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type CredentialUrl, parseCredentialUrl } from '../internal/parseCredentialUrl.js';
import { describe, expectInteger, expectTimerMs, rejectUnknownKeys } from '../internal/validate.js';
import { type RetryPolicy, mysqlRetryDefaults } from '../retry/RetryOptions.js';
import { resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { describeUnparsedUrl } from '../telemetry/describeUnparsedUrl.js';
import type { TargetDescription } from '../telemetry/TelemetryOptions.js';
import type { DatabasePoolConfig } from './DatabasePoolConfig.js';
import { mysqlOptionKeys } from './mysqlOptionKeys.js';

/** A pool's (or a `createConnection` target's) config, validated, with the defaults filled in. */
export interface ResolvedPoolConfig {
  readonly name: string;
  /** Options handed to mysql2 (holds the password: never log it). */
  readonly driverOptions: Readonly<Record<string, unknown>>;
  readonly connectionLimit: number;
  readonly retry: RetryPolicy;
  readonly queryTimeoutMs: number;
  readonly checkoutTimeoutMs: number;
  readonly idleValidationMs: number;
  readonly classifier: ErrorClassifier;
  readonly target: TargetDescription;
  readonly clock: Clock;
  /** The target's `ConnectionManager` options, but `connect` (the manager checks its own). */
  readonly manager: Omit<ConnectionManagerOptions<TargetDescription>, 'connect'>;
}

// The manager's own options, passed to it as given (it validates them).
const managerKeys = ['circuitBreaker', 'budget', 'logger', 'tracer', 'meter', 'random'] as const;
const holdfastKeys: readonly string[] = [
  ...['name', 'pool_name', 'poolName', 'pool_size', 'poolSize', 'retry', 'clock'],
  ...['queryTimeoutMs', 'checkoutTimeoutMs', 'idleValidationMs', 'classifierRules', 'classifier'],
  ...managerKeys,
];
const knownKeys: readonly string[] = [...Object.keys(mysqlOptionKeys), ...holdfastKeys];

/**
 * Takes holdfast's options out of a config and checks them eagerly; the rest is mysql2's, passed
 * to it as given (libraries such as TypeORM and Knex build it), except that `strict`
 * (createDatabasePool) refuses a key that is neither mysql2's nor holdfast's. Retry options are
 * merged explicit > `DB_RETRY_*` in `env` > the MySQL defaults. No message carries a password.
 *
 * @throws {ConfigurationError} an unknown key (strict), a malformed holdfast option, `uri` or
 *   `DB_RETRY_*` variable, or two spellings of one option that disagree; `error.option` names it
 */
export function parseDatabasePoolConfig(
  config: DatabasePoolConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  where = 'createDatabasePool config',
  strict = true,
): ResolvedPoolConfig {
  const untyped: unknown = config;
  if (typeof untyped !== 'object' || untyped === null || Array.isArray(untyped)) {
    throw new ConfigurationError(
      `Expected the ${where} to be an object, got ${describe(untyped)}.`,
    );
  }
  if (strict) rejectUnknownKeys(config, knownKeys, where);
  const given = config as Readonly<Record<string, unknown>>;
  const driverOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!holdfastKeys.includes(key) && value !== undefined) driverOptions[key] = value;
  }
  const [nameKey, name] = synonym(given, ['name', 'pool_name', 'poolName'], where, 'mysql');
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(
      `Expected \`${nameKey}\` (${describe(name)}) to be a non-empty string in the ${where}.`,
      { option: nameKey },
    );
  }
  const limit = synonym(given, ['pool_size', 'poolSize', 'connectionLimit'], where, 10);
  const connectionLimit = expectInteger(limit[0], limit[1], 1);
  const connectTimeoutMs = expectTimerMs('connectTimeout', given.connectTimeout ?? 10_000, 1);
  if (given.retry !== undefined && (typeof given.retry !== 'object' || given.retry === null)) {
    throw new ConfigurationError(
      `Expected \`retry\` (${describe(given.retry)}) to be an object of retry options in the ${where}.`,
      { option: 'retry' },
    );
  }
  const retry = resolveRetryPolicy(
    given.retry ?? {},
    retryPolicyFromEnv('DB', mysqlRetryDefaults, env),
    `the \`retry\` option of the ${where}`,
  );
  const classifier =
    given.classifier instanceof ErrorClassifier
      ? given.classifier
      : classifierOf(given.classifierRules ?? given.classifier, where);
  const clock = config.clock ?? systemClock;
  const target = targetOf(name, driverOptions, where);
  const { name: _name, ...manage } = target;
  const manager: Record<string, unknown> = {
    name,
    retry,
    classifier,
    target: manage,
    connectTimeoutMs,
    clock,
  };
  for (const key of managerKeys) if (given[key] !== undefined) manager[key] = given[key];
  return {
    name,
    driverOptions: Object.freeze({
      ...driverOptions,
      connectionLimit,
      connectTimeout: connectTimeoutMs,
    }),
    connectionLimit,
    retry,
    queryTimeoutMs: expectTimerMs('queryTimeoutMs', given.queryTimeoutMs ?? 10_000, 1),
    checkoutTimeoutMs: expectTimerMs('checkoutTimeoutMs', given.checkoutTimeoutMs ?? 10_000, 1),
    idleValidationMs: expectTimerMs('idleValidationMs', given.idleValidationMs ?? 1000, 0),
    classifier,
    target,
    clock,
    manager: manager as unknown as ResolvedPoolConfig['manager'],
  };
}

/** The option with several spellings, and its value; they must agree when several are given. */
function synonym(
  given: Readonly<Record<string, unknown>>,
  keys: readonly [string, ...string[]],
  where: string,
  fallback: unknown,
): [string, unknown] {
  let chosen: string | undefined;
  for (const key of keys) {
    if (given[key] === undefined) continue;
    if (chosen !== undefined && given[chosen] !== given[key]) {
      throw new ConfigurationError(
        `\`${chosen}\` (${describe(given[chosen])}) and \`${key}\` (${describe(given[key])}) disagree in the ${where}: give only one of them.`,
        { option: key },
      );
    }
    chosen = key;
  }
  return chosen === undefined ? [keys[0], fallback] : [chosen, given[chosen]];
}

function classifierOf(rules: unknown, where: string): ErrorClassifier {
  if (
    rules !== undefined &&
    (!Array.isArray(rules) || rules.some((r) => typeof r !== 'function'))
  ) {
    throw new ConfigurationError(
      `Expected \`classifierRules\` (${describe(rules)}) to be an array of functions in the ${where}.`,
      { option: 'classifierRules' },
    );
  }
  return new ErrorClassifier({
    tables: ['mysql'],
    ...(rules === undefined ? {} : { rules: rules as readonly ClassifierRule[] }),
  });
}

/** Span and metric attributes; a URI is parsed only for its host, port and database. */
function targetOf(
  name: string,
  options: Readonly<Record<string, unknown>>,
  where: string,
): TargetDescription {
  let host = options.host as string | undefined;
  let port = options.port === undefined ? undefined : Number(options.port);
  let database = options.database as string | undefined;
  if (typeof options.uri === 'string') {
    const url = parseUri(options.uri, where);
    host ??= url.host;
    port ??= url.url.port === '' ? undefined : Number(url.url.port);
    database ??= decodeURIComponent(url.url.pathname.replace(/^\//, '')) || undefined;
  }
  const socketPath = options.socketPath as string | undefined;
  return {
    name,
    system: 'mysql',
    address: socketPath ?? host ?? 'localhost',
    ...(socketPath === undefined ? { port: port ?? 3306 } : {}),
    ...(database === undefined ? {} : { namespace: database }),
  };
}

/**
 * The `uri` option, checked before mysql2 sees it: mysql2 would take `mysql:/root:pw@h/db` as a
 * database named `root:pw@h/db`, which the server's "Unknown database" error then repeats.
 */
function parseUri(text: string, where: string): Extract<CredentialUrl, { ok: true }> {
  const parsed = parseCredentialUrl(text);
  const why = !parsed.ok
    ? parsed.why
    : parsed.scheme !== 'mysql' && parsed.scheme !== 'mariadb'
      ? 'it does not start with mysql://'
      : parsed.url.hash !== ''
        ? 'it has a #fragment'
        : undefined;
  if (why === undefined && parsed.ok) return parsed;
  throw new ConfigurationError(
    `Expected \`uri\` to be a URL such as mysql://user:***@host:3306/db in the ${where}, got ${describeUnparsedUrl(text)}: ${why ?? 'it is not a well-formed URL'}.`,
    { option: 'uri' },
  );
}
