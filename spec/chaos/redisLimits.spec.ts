// RedisClient against private redis-servers that refuse: a wrong password (`requirepass`; fatal,
// tried once) and `maxclients` reached (new connections refused, the connected client unharmed).
import { connect, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { expect } from 'chai';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import { createRedisClient } from '../../src/ioredis/index.js';
import type { RedisClient } from '../../src/ioredis/RedisClient.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import { assertNoSecrets, testPasswords } from '../helpers/secretScan.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  captureOutput,
  capturingLogger,
  errorText,
  invariantNames,
  recoveryInvariants,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { waitUntil } from './mysqlChaos.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline, readCounter } from './redisChaos.js';
import { type RunningLoad, runLoad } from './runLoad.js';
import { cycleBoundMs, errorCode, rejection } from './toxicChaos.js';

const wrongPassword = 'HF-S3cret-wrong-redis-8p4';
const maxclients = 4;

/** Counts the connect attempts a client starts (`attempt-started` events). */
function countAttempts(client: RedisClient): { count(): number; stop(): void } {
  let attempts = 0;
  const subscription = client.events$.subscribe((event: ConnectionEvent<unknown>) => {
    if (event.type === 'attempt-started') attempts += 1;
  });
  return {
    count: () => attempts,
    stop: () => {
      subscription.unsubscribe();
    },
  };
}

/**
 * A raw socket that says nothing, once connected; `refusal()` is what the server sent on it (its
 * "max number of clients reached" when it refused the connection, else nothing).
 */
function idleSocket(port: number): Promise<{ socket: Socket; refusal: () => string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      resolve({ socket, refusal: () => text });
    });
    socket.once('error', reject);
  });
}

describe('RedisClient against a refusing redis-server (chaos: limits)', function () {
  this.timeout(60_000);
  let guarded: RedisServer;
  let small: RedisServer;

  before(async () => {
    [guarded, small] = await Promise.all([
      RedisServer.start({ requirepass: testPasswords.redis }),
      RedisServer.start({ args: ['--maxclients', String(maxclients)] }),
    ]);
  });

  after(async () => {
    await Promise.all([guarded.stop(), small.stop()]);
  });

  it('a wrong password: one attempt, at once, the error says "password" and shows none', async () => {
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const logger = capturingLogger();
    const output = captureOutput();
    const client = createRedisClient({
      port: guarded.port,
      password: wrongPassword,
      targetName: 'redis-wrong-password',
      logger,
      retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 400 },
    });
    const states = recordStates(client.state$);
    const events: ConnectionEvent<unknown>[] = [];
    const subscription = client.events$.subscribe((event) => events.push(event));
    const attempts = (): number => events.filter((e) => e.type === 'attempt-started').length;
    let first: unknown;
    let second: unknown;
    let firstMs: number;
    let firstAttempts: number;
    let failedState: string;
    try {
      const started = performance.now();
      first = await rejection(client.get('chaos:limits'));
      firstMs = performance.now() - started;
      firstAttempts = attempts();
      // A later call tries once more (the password may have been fixed), and only once.
      second = await rejection(client.get('chaos:limits'));
      expect(client.state.status).to.equal('failed');
      failedState = inspect(client.state, { depth: 8 });
    } finally {
      await client.close();
      subscription.unsubscribe();
      output.stop();
    }
    expect((first as Error).name).to.equal('ReplyError');
    expect((first as Error).message).to.match(/^WRONGPASS .*password/);
    expect((second as Error).message).to.match(/^WRONGPASS/);
    expect(firstAttempts, 'connect attempts of the first call').to.equal(1);
    expect(attempts(), 'connect attempts of both calls').to.equal(2);
    expect(firstMs, 'time to the error').to.be.below(1000);
    assertNoSecrets(
      [
        errorText(first),
        errorText(second),
        ...logger.lines,
        output.text(),
        inspect(events, { depth: 8 }),
        inspect(client, { depth: 8 }),
        failedState,
        client.targetName,
      ],
      [wrongPassword, testPasswords.redis],
    );
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    await assertHandlesReleased(handles);
    // The right password works: the refusal was the password's.
    const right = createRedisClient({ port: guarded.port, password: testPasswords.redis });
    try {
      expect(await right.ping()).to.equal('PONG');
    } finally {
      await right.close();
    }
    recordScenario({
      target: 'redis',
      scenario: 'wrong password',
      injected: 'redis-server --requirepass, a client given the wrong password',
      callersSaw: `the server's ReplyError "${(first as Error).message}" after ${Math.round(firstMs)} ms and 1 connect attempt; the next call made exactly 1 more`,
      recoveryMs: null,
      invariants: [
        'an authentication failure is tried once',
        invariantNames.noPassword,
        invariantNames.noUnhandledRejection,
        invariantNames.transitions,
        invariantNames.handlesReleased,
      ],
      counts: { attempts: attempts(), firstErrorMs: Math.round(firstMs) },
    });
    console.log(
      `      wrong password: ${errorCode(first)} after ${Math.round(firstMs)} ms, ${firstAttempts} attempt`,
    );
  });

  it('maxclients reached: the connected client works on, a new one gets retried errors, then connects', async () => {
    const key = 'chaos:limits:maxclients';
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const retry = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 300 };
    const connectTimeoutMs = 1000;
    const busy = createRedisClient({ port: small.port, targetName: 'redis-busy', retry });
    const late = createRedisClient({
      port: small.port,
      targetName: 'redis-late',
      retry,
      connectTimeoutMs,
    });
    const busyStates = recordStates(busy.state$);
    const lateStates = recordStates(late.state$);
    const lateAttempts = countAttempts(late);
    const sockets: Socket[] = [];
    let refusedError: unknown;
    let refusedMs: number;
    let attemptsWhileFull: number;
    let refusals: string[];
    let recoveryMs: number;
    let load: RunningLoad | undefined;
    try {
      await busy.ready();
      load = runLoad({ concurrency: 2, pauseMs: 10, write: () => busy.incr(key) });
      // Fill the server: maxclients - 1 idle sockets are accepted, the rest refused.
      const opened = await Promise.all(
        Array.from({ length: maxclients + 1 }, () => idleSocket(small.port)),
      );
      sockets.push(...opened.map((o) => o.socket));
      await waitUntil(
        () => opened.filter((o) => o.refusal() !== '').length >= 2,
        2000,
        'the server to refuse the sockets past maxclients',
      );
      refusals = opened.map((o) => o.refusal().trim()).filter((text) => text !== '');
      const started = performance.now();
      refusedError = await rejection(late.get(key));
      refusedMs = performance.now() - started;
      attemptsWhileFull = lateAttempts.count();
      expect(late.state.status).to.equal('failed');
      // Free the server: the refused client's next call connects (retried until the server has
      // noticed the closed sockets).
      for (const socket of sockets) socket.destroy();
      const freedAt = performance.now();
      await late.get(key);
      recoveryMs = performance.now() - freedAt;
    } finally {
      await load?.stop();
      for (const socket of sockets) socket.destroy();
      lateAttempts.stop();
      await busy.close();
      await late.close();
    }
    const ledger = load.ledger;
    expect(ledger.count('acknowledged')).to.be.above(0);
    expect(
      ledger.count('outcome-unknown') + ledger.count('failed'),
      `the connected client's INCRs while the server was full: ${ledger.summary()}`,
    ).to.equal(0);
    ledger.checkCounter(await readCounter(small.port, key));
    expect(refusals[0]).to.match(/max number of clients reached/);
    // The refusal is transient (a closed connection): retried by the policy, then given up.
    expect(errorCode(refusedError)).to.match(/^ERR_HOLDFAST_RETRIES_EXHAUSTED\//);
    expect(attemptsWhileFull, 'connect attempts while full').to.equal(retry.maxRetries + 1);
    // Each refused connect fails at once (the server closes the socket): allow 100 ms each.
    expect(refusedMs).to.be.at.most(cycleBoundMs(late.policy, 100) + 500);
    const namesLimit = errorText(refusedError).includes('max number of clients');
    rejections.assertNone();
    assertTransitionsAllowed(busyStates.statuses);
    assertTransitionsAllowed(lateStates.statuses);
    assertEndsConnected(busyStates.statuses);
    assertEndsConnected(lateStates.statuses);
    await assertHandlesReleased(handles);
    recordScenario({
      target: 'redis',
      scenario: 'too many clients (maxclients reached)',
      injected: `redis-server --maxclients ${maxclients}: one client under INCR load, idle sockets fill the rest; a second client connects, then the sockets close`,
      callersSaw: `connected client: ${ledger.summary()}; new client: ${errorCode(refusedError)} after ${attemptsWhileFull} attempts and ${Math.round(refusedMs)} ms (the error ${namesLimit ? 'says' : 'does not say'} "max number of clients reached"); served once the sockets closed`,
      recoveryMs: Math.round(recoveryMs),
      invariants: [
        'a connected client keeps working',
        'refused connects retried within the policy',
        ...recoveryInvariants,
      ],
      counts: { ...ledger.counts(), attemptsWhileFull, refusedMs: Math.round(refusedMs) },
    });
    console.log(
      `      maxclients: busy client ${ledger.summary()}; new client ${errorCode(refusedError)} after ${attemptsWhileFull} attempts, ${Math.round(refusedMs)} ms`,
    );
  });
});
