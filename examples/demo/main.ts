// `npm start`: holdfast through an outage, live. MariaDB and Redis are reached through a
// FaultProxy each; a small workload runs; the link is cut for a few seconds and restored; the
// state stream shows connecting -> connected -> retrying n -> connected while the workload's
// calls wait and then succeed; a summary follows.
//
// Environment: MYSQL_URL (mysql://root@127.0.0.1:3306/test), REDIS_URL (redis://127.0.0.1:6379),
// DEMO_OUTAGE_MS (4000), DEMO_OUTAGE_AT_MS (2500), DEMO_DURATION_MS (outage end + 3000),
// DEMO_INTERVAL_MS (100), OTEL_EXPORTER_OTLP_ENDPOINT (traces to Jaeger instead of the console),
// DB_RETRY_* / REDIS_RETRY_* (retry policies), NO_COLOR.
import type { Tracer } from '@opentelemetry/api';
import { parseTargetUrl } from '../../src/cli/parseTargetUrl.js';
import { redact, retryPolicyFromEnv, type RetryPolicy } from '../../src/index.js';
import { createRedisClient } from '../../src/ioredis/index.js';
import { createDatabasePool } from '../../src/mysql2/index.js';
import { FaultProxy } from '../../src/testing/index.js';
import { startTelemetry, type Telemetry } from '../otel.js';
import { consoleTracer } from './consoleTraces.js';
import { type DemoConfig, DemoConfigError, demoConfig } from './demoConfig.js';
import { bold, cyan, dim, green, magenta, red } from './paint.js';
import { mysqlEndpoint, redisEndpoint, unreachable } from './preflight.js';
import { printSummary } from './printSummary.js';
import { type DemoTarget, errorCode, TargetRun } from './TargetRun.js';

/**
 * The demo's retry policies when DB_RETRY_* / REDIS_RETRY_* are not set: enough retries to span
 * the outage, and a short maximum delay so that recovery follows the link within a second or
 * two. (The library's defaults are 3 retries, 1 s / 0.5 s base, 30 s / 10 s max.)
 */
const demoMysqlPolicy: RetryPolicy = Object.freeze({
  maxRetries: 20,
  baseDelayMs: 250,
  maxDelayMs: 1000,
  exponentialBase: 2,
  jitter: 'proportional',
  maxElapsedMs: undefined,
  throttledDelayFactor: 2,
});
const demoRedisPolicy: RetryPolicy = Object.freeze({ ...demoMysqlPolicy, baseDelayMs: 100 });

const started = Date.now();
const elapsed = (): number => Date.now() - started;
const print = (line: string): void => {
  process.stdout.write(`${dim(`+${(elapsed() / 1000).toFixed(3).padStart(7)}s`)}  ${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  let config: DemoConfig;
  let mysqlUrl;
  let redisUrl;
  try {
    config = demoConfig(process.env);
    mysqlUrl = parseTargetUrl(config.mysqlUrl);
    redisUrl = parseTargetUrl(config.redisUrl);
  } catch (error) {
    process.stderr.write(
      `demo: ${redact(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 2;
  }
  if (mysqlUrl.kind !== 'mysql' || redisUrl.kind !== 'redis') {
    process.stderr.write('demo: MYSQL_URL must be mysql://... and REDIS_URL redis://...\n');
    return 2;
  }

  const missing = await unreachable([
    mysqlEndpoint(mysqlUrl.host, mysqlUrl.port),
    redisEndpoint(redisUrl.host, redisUrl.port),
  ]);
  if (missing.length > 0) {
    for (const endpoint of missing) {
      process.stderr.write(
        `${red('✖')} ${bold(endpoint.label)} is not running (connection refused or no answer).\n`,
      );
      process.stderr.write(
        `  Start it with:\n${endpoint.howToStart.map((l) => `    ${l}\n`).join('')}`,
      );
    }
    return 1;
  }

  const telemetry = process.env['OTEL_EXPORTER_OTLP_ENDPOINT']
    ? startTelemetry({ serviceName: 'holdfast-demo' })
    : undefined;
  const consoleTrace = telemetry === undefined ? consoleTracer(print) : undefined;
  const tracer: Tracer | undefined = consoleTrace?.tracer;

  const mysqlProxy = await FaultProxy.start({
    upstream: { host: mysqlUrl.host, port: mysqlUrl.port },
  });
  const redisProxy = await FaultProxy.start({
    upstream: { host: redisUrl.host, port: redisUrl.port },
  });
  const mysqlPolicy = retryPolicyFromEnv('DB', demoMysqlPolicy);
  const redisPolicy = retryPolicyFromEnv('REDIS', demoRedisPolicy);

  console.log(bold('holdfast demo: an outage and its recovery, live'));
  console.log(
    `  MariaDB ${cyan(mysqlUrl.display)} via FaultProxy 127.0.0.1:${mysqlProxy.port}` +
      `\n  Redis   ${cyan(redisUrl.display)} via FaultProxy 127.0.0.1:${redisProxy.port}`,
  );
  console.log(
    dim(
      `  workload: every ${config.intervalMs} ms a SELECT + idempotent INSERT and a Redis SET + GET; ` +
        `link cut at ${config.outageAtMs / 1000} s for ${config.outageMs / 1000} s; ` +
        `retries: mysql ${describePolicy(mysqlPolicy)}, redis ${describePolicy(redisPolicy)}`,
    ),
  );
  console.log(
    dim(
      telemetry === undefined
        ? '  traces: compact lines below (set OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 for Jaeger)'
        : `  traces: OTLP to ${telemetry.endpoints?.traces ?? '?'}`,
    ),
  );
  console.log('');

  const pool = createDatabasePool({
    pool_name: 'demo-mysql',
    pool_size: 4,
    host: '127.0.0.1',
    port: mysqlProxy.port,
    ...(mysqlUrl.user !== undefined && { user: mysqlUrl.user }),
    ...(mysqlUrl.password !== undefined && { password: mysqlUrl.password }),
    ...(mysqlUrl.database !== undefined && { database: mysqlUrl.database }),
    retry: withoutDeadline(mysqlPolicy),
    ...(tracer !== undefined && { tracer }),
  });
  const redis = createRedisClient({
    targetName: 'demo-redis',
    host: '127.0.0.1',
    port: redisProxy.port,
    db: redisUrl.db,
    ...(redisUrl.username !== undefined && { username: redisUrl.username }),
    ...(redisUrl.password !== undefined && { password: redisUrl.password }),
    retry: withoutDeadline(redisPolicy),
    ...(tracer !== undefined && { tracer }),
  });

  const mysqlTarget: DemoTarget = {
    label: 'mysql',
    state$: pool.state$,
    step: async (i) => {
      await pool.query('SELECT ? AS n', [i]);
      await pool.query(
        {
          sql: 'INSERT INTO holdfast_demo (id, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = VALUES(n)',
          idempotent: true,
        },
        [`key-${i % 50}`, i],
      );
    },
    close: () => pool.close({ timeoutMs: 2000 }),
  };
  const redisTarget: DemoTarget = {
    label: 'redis',
    state$: redis.state$,
    step: async (i) => {
      await redis.set(`holdfast:demo:${i % 50}`, String(i), 'EX', '60');
      await redis.get(`holdfast:demo:${i % 50}`);
    },
    close: () => redis.close(),
  };
  const runs = [
    new TargetRun(mysqlTarget, print, elapsed),
    new TargetRun(redisTarget, print, elapsed),
  ];
  for (const run of runs) run.watch();

  // Wrong password, missing database: say which and stop, before any outage.
  const checks = await Promise.allSettled([
    pool
      .ready({ timeoutMs: 10_000 })
      .then(() =>
        pool.query(
          'CREATE TABLE IF NOT EXISTS holdfast_demo (id VARCHAR(32) PRIMARY KEY, n INT NOT NULL)',
        ),
      ),
    redis.ready({ timeoutMs: 10_000 }),
  ]);
  const failures = checks.flatMap((check, i) =>
    check.status === 'rejected'
      ? [`${i === 0 ? mysqlUrl.display : redisUrl.display}: ${describe(check.reason)}`]
      : [],
  );
  if (failures.length > 0) {
    for (const failure of failures)
      process.stderr.write(`${red('✖')} could not start the workload on ${failure}\n`);
    await Promise.all(runs.map((run) => run.close()));
    await Promise.all([mysqlProxy.close(), redisProxy.close()]);
    await consoleTrace?.shutdown();
    await stopTelemetry(telemetry);
    return 1;
  }

  let index = 0;
  const workload = setInterval(() => {
    index += 1;
    for (const run of runs) run.fire(index);
  }, config.intervalMs);
  const progress = setInterval(() => {
    print(`${magenta('workload')} ${runs.map((run) => run.progress()).join(dim(' | '))}`);
  }, 1000);

  const outageStart = Math.max(0, config.outageAtMs - elapsed());
  await sleep(outageStart);
  print(
    red(bold(`✂ link cut for ${(config.outageMs / 1000).toFixed(1)} s`)) +
      dim(' (FaultProxy "down": open connections reset, new ones refused)'),
  );
  const toxics = [mysqlProxy.add({ type: 'down' }), redisProxy.add({ type: 'down' })];
  await sleep(config.outageMs);
  await Promise.all([mysqlProxy.remove(toxics[0] ?? ''), redisProxy.remove(toxics[1] ?? '')]);
  const restoredAt = elapsed();
  print(green(bold('⚡ link restored')));
  for (const run of runs) run.linkRestored(restoredAt);

  await sleep(Math.max(0, config.durationMs - elapsed()));
  clearInterval(workload);
  clearInterval(progress);
  print(dim('workload stopped; waiting for calls in flight'));
  await Promise.all(runs.map((run) => run.drain(15_000)));
  print(`${magenta('workload')} ${runs.map((run) => run.progress()).join(dim(' | '))}`);
  const summaries = runs.map((run) => run.summary());
  await Promise.all(runs.map((run) => run.close()));
  await Promise.all([mysqlProxy.close(), redisProxy.close()]);
  await consoleTrace?.shutdown();
  await stopTelemetry(telemetry);

  printSummary(summaries, config.outageMs, (line) => {
    console.log(line);
  });
  return summaries.every((s) => s.recoveryMs !== undefined) ? 0 : 1;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  return `${redact(error instanceof Error ? error.message : String(error))} (${code})`;
}

/** Flushes the OTLP exporter; an unreachable collector is reported, not fatal. */
async function stopTelemetry(telemetry: Telemetry | undefined): Promise<void> {
  try {
    await telemetry?.shutdown();
  } catch (error) {
    process.stderr.write(
      `${red('!')} traces were not delivered to ${telemetry?.endpoints?.traces ?? 'the collector'}: ${describe(error)}\n` +
        '  Is Jaeger running? docker run -d --name jaeger -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one\n',
    );
  }
}

function describePolicy(policy: RetryPolicy): string {
  return `${policy.maxRetries} x ${policy.baseDelayMs / 1000}-${policy.maxDelayMs / 1000} s`;
}

function withoutDeadline(policy: RetryPolicy): Omit<RetryPolicy, 'maxElapsedMs'> {
  const { maxElapsedMs: _ignored, ...rest } = policy;
  return rest;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof DemoConfigError) process.stderr.write(`demo: ${error.message}\n`);
    else
      process.stderr.write(
        `demo failed: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
      );
    process.exitCode = 1;
  },
);
