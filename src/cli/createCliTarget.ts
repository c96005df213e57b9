import { type ClassifierRule, transient } from '../classify/Classification.js';
import { ErrorClassifier } from '../classify/ErrorClassifier.js';
import { errorCode, innermostSocketError } from '../classify/errorFields.js';
import { retryPolicyFromEnv } from '../config/retryPolicyFromEnv.js';
import { assertNever } from '../internal/assertNever.js';
import { type RetryOptions, type RetryPolicy, mysqlRetryDefaults } from '../retry/RetryOptions.js';
import { defaultLogger } from '../telemetry/defaultLogger.js';
import type { CliTarget, CreateCliTarget } from './CliTarget.js';
import type { MysqlTargetUrl, RedisTargetUrl } from './parseTargetUrl.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A host name that does not resolve is retried by the CLI (the library fails fast on it): in
 * Compose and Kubernetes a service's name appears only once its container exists, which is what
 * `holdfast wait` is waiting for.
 */
const retryDnsNotFound: ClassifierRule = (error) =>
  errorCode(innermostSocketError(error)) === 'ENOTFOUND'
    ? transient('network: host name not found yet (ENOTFOUND); the CLI retries it')
    : undefined;

/**
 * Builds MySQL targets on `holdfast/mysql2`'s `createDatabasePool` and Redis targets on
 * `holdfast/ioredis`'s `createRedisClient`, each loaded only when a URL needs it (mysql2 and
 * ioredis are optional peer dependencies). Log lines follow `HOLDFAST_LOG_LEVEL` (silent unless
 * set).
 *
 * @throws {ConfigurationError} a malformed `DB_RETRY_*` / `REDIS_RETRY_*` variable
 */
export const createCliTarget: CreateCliTarget = async (url, env) => {
  switch (url.kind) {
    case 'mysql':
      return mysqlTarget(url, env);
    case 'redis':
      return redisTarget(url, env);
    default:
      return assertNever(url);
  }
};

async function mysqlTarget(url: MysqlTargetUrl, env: Env): Promise<CliTarget> {
  const policy = retryPolicyFromEnv('DB', mysqlRetryDefaults, env);
  const { createDatabasePool } = await import('../mysql2/index.js');
  const pool = createDatabasePool({
    pool_name: `mysql ${url.host}:${url.port}`,
    pool_size: 1,
    host: url.host,
    port: url.port,
    ...(url.user !== undefined && { user: url.user }),
    ...(url.password !== undefined && { password: url.password }),
    ...(url.database !== undefined && { database: url.database }),
    retry: asOptions(policy),
    classifierRules: [retryDnsNotFound],
    logger: defaultLogger(env),
  });
  return {
    url,
    policy: pool.policy,
    state$: pool.state$,
    ready: (signal) => pool.ready({ signal }),
    // The checkout and the statement are bounded by the pool's own timeouts (10 s); the signal
    // ends the CLI's wait for the answer.
    check: (signal) => abortable(pool.query({ sql: 'SELECT 1', idempotent: true }), signal),
    close: () => pool.close({ timeoutMs: 0 }),
  };
}

async function redisTarget(url: RedisTargetUrl, env: Env): Promise<CliTarget> {
  const { createRedisClient } = await import('../ioredis/index.js');
  const client = createRedisClient({
    targetName: `redis ${url.host}:${url.port}`,
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username !== undefined && { username: url.username }),
    ...(url.password !== undefined && { password: url.password }),
    ...(url.tls && { tls: { servername: url.host } }),
    classifier: new ErrorClassifier({ tables: ['redis'], rules: [retryDnsNotFound] }),
    env,
    logger: defaultLogger(env),
  });
  return {
    url,
    policy: client.policy,
    state$: client.state$,
    ready: (signal) => client.ready({ signal }),
    check: (signal) => client.command('PING', [], { signal, idempotent: true }),
    close: () => client.close(),
  };
}

/** A resolved policy as options (an absent deadline is left out, not `undefined`). */
function asOptions(policy: RetryPolicy): RetryOptions {
  const { maxElapsedMs, ...rest } = policy;
  return maxElapsedMs === undefined ? rest : { ...rest, maxElapsedMs };
}

function abortable<T>(operation: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    operation.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
