import type { ClassifierRule } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { type Clock, systemClock } from '../internal/Clock.js';
import { type Random, systemRandom } from '../internal/Random.js';
import { type CredentialUrl, parseCredentialUrl } from '../internal/parseCredentialUrl.js';
import { describe, expectInteger, rejectUnknownKeys } from '../internal/validate.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../retry/hooks.js';
import { type RetryOptions, type RetryPolicy, mysqlRetryDefaults } from '../retry/RetryOptions.js';
import { maxDelayLimitMs, resolveRetryPolicy } from '../retry/resolveRetryPolicy.js';
import { describeUnparsedUrl } from '../telemetry/describeUnparsedUrl.js';
import type { TargetDescription, TelemetryOptions } from '../telemetry/TelemetryOptions.js';
import type { DatabasePoolConfig } from './DatabasePoolConfig.js';
import { describeShape, hasShape, mysqlOptionRules } from './mysqlOptionRules.js';

/** `createDatabasePool`'s config, validated, with every default filled in. */
export interface ResolvedPoolConfig {
  readonly name: string;
  /** Options handed to mysql2's `createPool` (holds the password: never log it). */
  readonly driverOptions: Readonly<Record<string, unknown>>;
  readonly connectionLimit: number;
  readonly retry: RetryPolicy;
  readonly queryTimeoutMs: number;
  readonly checkoutTimeoutMs: number;
  readonly idleValidationMs: number;
  readonly connectTimeoutMs: number;
  readonly classifier: ErrorClassifier;
  readonly target: TargetDescription;
  readonly telemetry: TelemetryOptions;
  readonly circuitBreaker: CircuitBreakerHook | undefined;
  readonly budget: RetryBudgetHook | false | undefined;
  readonly clock: Clock;
  readonly random: Random;
}

const holdfastKeys = [
  'name',
  'pool_name',
  'poolName',
  'pool_size',
  'poolSize',
  'retry',
  'queryTimeoutMs',
  'checkoutTimeoutMs',
  'idleValidationMs',
  'classifierRules',
  'classifier',
  'circuitBreaker',
  'budget',
  'logger',
  'tracer',
  'meter',
  'clock',
  'random',
] as const;

const holdfastKeySet: ReadonlySet<string> = new Set(holdfastKeys);
const knownKeys: readonly string[] = [...Object.keys(mysqlOptionRules), ...holdfastKeys];
let where = 'createDatabasePool config';
const defaultTimeoutMs = 10_000;
const defaultIdleValidationMs = 1000;
const defaultConnectionLimit = 10;

/** How strictly the mysql2 half of a config is checked. */
export interface ParseMode {
  /**
   * `true` (createDatabasePool): unknown keys and malformed mysql2 values are a
   * `ConfigurationError`. `false` (the drop-in `createPool` / `createConnection`): the mysql2
   * half is passed to mysql2 as given, as mysql2's own factories would take it (libraries such as
   * TypeORM and Knex build it); holdfast's keys are still checked.
   */
  readonly strict: boolean;
  /** Names the config in messages, e.g. `createPool config`. */
  readonly where: string;
}

/**
 * Validates a pool config and fills in the defaults. Retry options are merged
 * explicit > `DB_RETRY_*` in `env` > the reference design's MySQL defaults. No message ever
 * contains a password or a URI (which may carry one).
 *
 * @throws {ConfigurationError} an unknown key, a value of the wrong shape or range, or two
 *   spellings of one option (`pool_size` and `poolSize`) with different values; `error.option`
 *   names the key or environment variable
 */
export function parseDatabasePoolConfig(
  config: DatabasePoolConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  mode: ParseMode = { strict: true, where: 'createDatabasePool config' },
): ResolvedPoolConfig {
  where = mode.where;
  const untyped: unknown = config;
  if (typeof untyped !== 'object' || untyped === null || Array.isArray(untyped)) {
    throw new ConfigurationError(
      `Expected the ${where} to be an object, got ${describe(untyped)}.`,
    );
  }
  const given = config as Readonly<Record<string, unknown>>;
  const driverOptions: Record<string, unknown> = {};
  if (mode.strict) rejectUnknownKeys(config, knownKeys, where);
  else {
    for (const [key, value] of Object.entries(given)) {
      if (!holdfastKeySet.has(key) && value !== undefined) driverOptions[key] = value;
    }
  }
  for (const [key, shape] of mode.strict ? Object.entries(mysqlOptionRules) : []) {
    const value = given[key];
    if (value === undefined) continue;
    if (!hasShape(value, shape)) {
      const shown = shape === 'secret' ? `a ${typeof value}` : describe(value);
      throw new ConfigurationError(
        `Expected \`${key}\` (${shown}) to be ${describeShape(shape)} in the ${where}.`,
        { option: key },
      );
    }
    driverOptions[key] = value;
  }

  const name = pickSynonym(given, ['name', 'pool_name', 'poolName'], 'string')?.value ?? 'mysql';
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(`Expected \`pool_name\` to be a non-empty string.`, {
      option: 'pool_name',
    });
  }
  const limit = pickSynonym(given, ['pool_size', 'poolSize', 'connectionLimit'], 'count');
  const connectionLimit =
    limit === undefined ? defaultConnectionLimit : expectInteger(limit.key, limit.value, 1);
  const connectTimeoutMs = timeout(given, 'connectTimeout', defaultTimeoutMs, 1);

  const retry = resolveRetryPolicy(
    retryOptions(given.retry),
    retryPolicyFromEnv('DB', mysqlRetryDefaults, env),
    'the `retry` option of the createDatabasePool config',
  );

  return {
    name,
    driverOptions: Object.freeze({
      ...driverOptions,
      connectionLimit,
      connectTimeout: connectTimeoutMs,
    }),
    connectionLimit,
    retry,
    queryTimeoutMs: timeout(given, 'queryTimeoutMs', defaultTimeoutMs, 1),
    checkoutTimeoutMs: timeout(given, 'checkoutTimeoutMs', defaultTimeoutMs, 1),
    idleValidationMs: timeout(given, 'idleValidationMs', defaultIdleValidationMs, 0),
    connectTimeoutMs,
    classifier:
      given.classifier instanceof ErrorClassifier
        ? given.classifier
        : classifierOf(given.classifierRules ?? given.classifier),
    target: targetOf(name, driverOptions),
    telemetry: {
      ...(config.logger === undefined ? {} : { logger: config.logger }),
      ...(config.tracer === undefined ? {} : { tracer: config.tracer }),
      ...(config.meter === undefined ? {} : { meter: config.meter }),
    },
    circuitBreaker: config.circuitBreaker,
    budget: config.budget,
    clock: config.clock ?? systemClock,
    random: config.random ?? systemRandom,
  };
}

/** The value of an option that has several spellings; they must agree when several are given. */
function pickSynonym(
  given: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  shape: 'string' | 'count',
): { key: string; value: unknown } | undefined {
  let chosen: { key: string; value: unknown } | undefined;
  for (const key of keys) {
    const value = given[key];
    if (value === undefined) continue;
    if (chosen !== undefined && chosen.value !== value) {
      throw new ConfigurationError(
        `\`${chosen.key}\` (${describe(chosen.value)}) and \`${key}\` (${describe(value)}) disagree in the ${where}: give only one of them.`,
        { option: key },
      );
    }
    if (!hasShape(value, shape)) {
      throw new ConfigurationError(
        `Expected \`${key}\` (${describe(value)}) to be ${describeShape(shape)} in the ${where}.`,
        { option: key },
      );
    }
    chosen = { key, value };
  }
  return chosen;
}

function timeout(
  given: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = given[key];
  if (value === undefined) return fallback;
  const ms = expectInteger(key, value, min);
  if (ms > maxDelayLimitMs) {
    throw new ConfigurationError(
      `Expected \`${key}\` (${ms}) to be <= ${maxDelayLimitMs} ms (the longest timer Node.js can hold).`,
      { option: key },
    );
  }
  return ms;
}

function retryOptions(value: unknown): RetryOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      `Expected \`retry\` (${describe(value)}) to be an object of retry options in the ${where}.`,
      { option: 'retry' },
    );
  }
  return value;
}

function classifierOf(rules: unknown): ErrorClassifier {
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
function targetOf(name: string, options: Readonly<Record<string, unknown>>): TargetDescription {
  let host = options.host as string | undefined;
  let port = options.port === undefined ? undefined : Number(options.port);
  let database = options.database as string | undefined;
  if (typeof options.uri === 'string') {
    const url = parseUri(options.uri);
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
function parseUri(text: string): Extract<CredentialUrl, { ok: true }> {
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
