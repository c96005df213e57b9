// No password reaches a log line, span attribute, span event or error message: wrong-password
// connects to the real MariaDB and Redis, and a connect to a closed port whose target name is a
// URL carrying the password, all through ConnectionManager and createInstrumentation. A root
// `after` hook then scans everything other integration/chaos specs captured with
// spec/helpers/telemetry.ts in this run.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { type Connection, createConnection } from 'mysql2/promise';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import { createInstrumentation } from '../../src/telemetry/createInstrumentation.js';
import { mysqlRetryDefaults } from '../../src/retry/RetryOptions.js';
import { assertNoSecrets, findSecrets, testPasswords } from '../helpers/secretScan.js';
import { freePort } from '../helpers/servers/freePort.js';
import { type TelemetryCapture, allCapturedTexts, captureTelemetry } from '../helpers/telemetry.js';

const mysqlHost = { host: '127.0.0.1', port: 3306 };
const redisHost = { host: '127.0.0.1', port: 6379 };

after(function scanEverythingCaptured() {
  assertNoSecrets(allCapturedTexts());
});

/** Settles `promise`, returning what it rejected with (or failing when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

/** ioredis reports a failed AUTH as an 'error' event and rejects connect() vaguely. */
function connectRedis(password: string): Promise<Redis> {
  const client = new Redis({
    ...redisHost,
    username: 'holdfast-nobody',
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  return new Promise((resolve, reject) => {
    let first: unknown;
    client.on('error', (error: unknown) => {
      first ??= error;
    });
    client.connect().then(
      () => {
        resolve(client);
      },
      (error: unknown) => {
        client.disconnect();
        const cause = first ?? error;
        reject(cause instanceof Error ? cause : new Error(String(cause)));
      },
    );
  });
}

describe('no secrets in telemetry', () => {
  let capture: TelemetryCapture;

  beforeEach(() => {
    capture = captureTelemetry();
  });
  afterEach(async () => {
    // The check itself: every text this test's telemetry and errors produced.
    const texts = capture.texts();
    await capture.shutdown();
    expect(texts.length).to.be.greaterThan(0);
    assertNoSecrets(texts);
  });

  function manager<C>(name: string, connect: () => Promise<C>): ConnectionManager<C> {
    return new ConnectionManager<C>({
      name,
      connect,
      retry: { maxRetries: 2, baseDelayMs: 5, jitter: 'none' },
      // Every call sees the whole cycle: a 15 ms wait limit on a busy machine could end a call
      // after two attempts (ADR 0019), and the specs count the spans of all three.
      waitLimitMs: 0,
      budget: false,
      tracer: capture.tracer,
      meter: capture.meter,
      logger: capture.log.logger,
    });
  }

  it('a wrong MySQL password is reported without the password', async () => {
    const m = manager<Connection>('mysql-main', () =>
      createConnection({ ...mysqlHost, user: 'holdfast_nobody', password: testPasswords.mysql }),
    );
    try {
      const error = await rejection(m.ready());
      capture.recordError(error);
      expect(error).to.have.property('code', 'ER_ACCESS_DENIED_ERROR');
    } finally {
      await m.close();
    }
    const attempt = capture.spans().find((s) => s.name === 'connect mysql-main attempt 1');
    expect(attempt?.attributes['db.response.status_code']).to.equal('1045');
    expect(capture.log.messages('error')).to.have.length(1);
  });

  it('a wrong Redis password is reported without the password', async () => {
    const m = manager<Redis>('redis-cache', () => connectRedis(testPasswords.redis));
    try {
      const error = await rejection(m.ready());
      capture.recordError(error);
      expect(error).to.have.property('name', 'ReplyError');
    } finally {
      await m.close();
    }
    const attempt = capture.spans().find((s) => s.name === 'connect redis-cache attempt 1');
    expect(attempt?.attributes['error.type']).to.equal('WRONGPASS');
  });

  it('a target named by a URL with the password never shows it, through every retry', async () => {
    const port = await freePort();
    const url = `mysql://app:${testPasswords.mysql}@127.0.0.1:${port}/test`;
    const m = manager<Connection>(url, () => createConnection({ uri: url }));
    try {
      const error = await rejection(m.ready());
      capture.recordError(error);
      expect(error).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
    } finally {
      await m.close();
    }
    expect(capture.spans().map((s) => s.name)).to.include(
      `connect mysql://app:***@127.0.0.1:${port}/test attempt 3`,
    );
    expect(capture.log.messages('warn')).to.have.length(2);
  });

  it('a RetryHandler operation described with secrets keeps them out of its error', async () => {
    const handler = new RetryHandler({
      name: 'redis-cache',
      maxRetries: 1,
      baseDelayMs: 1,
      defaults: mysqlRetryDefaults,
      instrumentation: createInstrumentation(
        { name: 'redis-cache', system: 'redis' },
        { tracer: capture.tracer, meter: capture.meter, logger: capture.log.logger },
      ),
    });
    const refused = Object.assign(
      new Error(`connect ECONNREFUSED for redis://:${testPasswords.redis}@127.0.0.1:1`),
      { code: 'ECONNREFUSED' },
    );
    const error = await rejection(
      handler.execute(() => Promise.reject(refused), `AUTH ${testPasswords.redis}`),
    );
    // The original error is the caller's own and stays untouched as `cause`; holdfast's message
    // and every span and log line are redacted.
    capture.recordError((error as Error).message);
    expect(error).to.have.property('code', 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
  });
});

describe('assertNoSecrets', () => {
  it('finds a leaked password, also URL-encoded', () => {
    expect(findSecrets([`x ${encodeURIComponent(testPasswords.mysql)} y`])).to.have.length(1);
    expect(() => {
      assertNoSecrets([`password is ${testPasswords.redis}`]);
    }).to.throw(/1 captured text/);
  });
});
