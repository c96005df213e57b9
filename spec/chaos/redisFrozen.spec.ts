// A frozen Redis host (SIGSTOP: the sockets stay open, nothing answers, no FIN ever comes):
// holdfast notices within its command timeout (busy) or health check (idle), ioredis does not.
import { expect } from 'chai';
import { firstValueFrom, filter } from 'rxjs';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { createRedisClient } from '../../src/ioredis/index.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  recoveryInvariants,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline, pause, rawIoredis, readCounter, startDurableRedis } from './redisChaos.js';
import { runLoad } from './runLoad.js';
import { WriteLedger } from './WriteLedger.js';

const commandTimeoutMs = 1000;
const healthCheckIntervalMs = 500;
const frozenMs = 2500;
const key = 'chaos:frozen';

function causeCode(error: unknown): unknown {
  const cause = isHoldfastError(error) ? error.cause : error;
  return (cause as { code?: unknown } | undefined)?.code;
}

describe('RedisClient with a frozen server (chaos)', function () {
  this.timeout(20_000);
  let server: RedisServer;

  beforeEach(async () => {
    server = await startDurableRedis(RedisServer.start.bind(RedisServer));
  });

  afterEach(async () => {
    if (server.pid !== undefined) {
      try {
        server.resume();
      } catch {
        // Not paused.
      }
    }
    await server.stop();
  });

  it('fails the commands in flight within 1.25 x commandTimeoutMs and recovers after SIGCONT', async () => {
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const client = createRedisClient({
      port: server.port,
      targetName: 'redis-frozen',
      commandTimeoutMs,
      healthCheckIntervalMs,
      connectTimeoutMs: 1000,
    });
    const states = recordStates(client.state$);
    const ledger = new WriteLedger();
    const causes: unknown[] = [];
    let detectedMs: number;
    let recoveryMs: number;
    try {
      await client.ready();
      const load = runLoad({
        concurrency: 4,
        pauseMs: 10,
        write: () =>
          client.incr(key).catch((error: unknown) => {
            causes.push(causeCode(error));
            throw error;
          }),
        ledger,
      });
      await pause(200);
      server.pause();
      const frozenAt = performance.now();
      while (ledger.count('outcome-unknown') + ledger.count('failed') === 0) {
        if (performance.now() - frozenAt > 5000) throw new Error('no caller saw an error');
        await pause(10);
      }
      detectedMs = performance.now() - frozenAt;
      await pause(frozenMs - detectedMs);
      server.resume();
      const resumedAt = performance.now();
      recoveryMs = (await load.firstSuccessAfter(resumedAt, 10_000)) - resumedAt;
      await pause(100);
      await load.stop();
    } finally {
      await client.close();
    }
    ledger.checkCounter(await readCounter(server.port, key));
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    await assertHandlesReleased(handles);
    // The watchdog counts in quarters of the timeout: 1000-1250 ms, plus slack for 2 cores.
    expect(detectedMs).to.be.within(commandTimeoutMs * 0.9, commandTimeoutMs * 1.25 + 400);
    expect(causes).to.include('ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT');
    recordScenario({
      target: 'redis',
      scenario: 'frozen server (SIGSTOP) under load',
      injected: `SIGSTOP redis-server for ${frozenMs / 1000} s (no FIN, no reply); commandTimeoutMs ${commandTimeoutMs}; 4 callers issuing INCR`,
      callersSaw: `${ledger.summary()}; first error ${Math.round(detectedMs)} ms after the freeze`,
      recoveryMs: Math.round(recoveryMs),
      invariants: [
        'dead connection detected within 1.25 x commandTimeoutMs',
        ...recoveryInvariants,
      ],
      counts: { ...ledger.counts(), detectedMs: Math.round(detectedMs) },
    });
    console.log(
      `      holdfast: first error ${Math.round(detectedMs)} ms after SIGSTOP, first success ${Math.round(recoveryMs)} ms after SIGCONT; ${ledger.summary()}`,
    );
  });

  it('notices an idle connection to a frozen server through its health check', async () => {
    const client = createRedisClient({
      port: server.port,
      targetName: 'redis-frozen-idle',
      commandTimeoutMs,
      healthCheckIntervalMs,
      connectTimeoutMs: 1000,
    });
    let lostMs: number;
    try {
      await client.ready();
      const left = firstValueFrom(
        client.state$.pipe(filter((state) => state.status !== 'connected')),
      );
      server.pause();
      const frozenAt = performance.now();
      await left;
      lostMs = performance.now() - frozenAt;
      server.resume();
      await client.ready({ timeoutMs: 10_000 });
      expect(await client.ping()).to.equal('PONG');
    } finally {
      await client.close();
    }
    // Idle for up to healthCheckIntervalMs (+ a tick), then a PING unanswered for the timeout.
    expect(lostMs).to.be.below(healthCheckIntervalMs + commandTimeoutMs * 1.5 + 500);
    console.log(
      `      holdfast: idle connection left 'connected' ${Math.round(lostMs)} ms after SIGSTOP`,
    );
  });

  it('baseline: raw ioredis 6 defaults wait for the frozen server as long as it is frozen', async () => {
    const redis = rawIoredis(server.port);
    let waitedMs: number;
    try {
      await redis.ping();
      server.pause();
      const frozenAt = performance.now();
      const pending = redis.get(key);
      await pause(frozenMs);
      server.resume();
      await pending;
      waitedMs = performance.now() - frozenAt;
    } finally {
      redis.disconnect();
    }
    expect(waitedMs).to.be.at.least(frozenMs);
    recordScenario({
      target: 'redis',
      scenario: 'frozen server (SIGSTOP), raw ioredis 6 defaults (baseline)',
      injected: `SIGSTOP redis-server for ${frozenMs / 1000} s; one GET in flight`,
      callersSaw: `no error: the GET waited ${Math.round(waitedMs)} ms, until SIGCONT (no commandTimeout by default; TCP keepalive after 30 s idle only)`,
      recoveryMs: null,
      invariants: [],
      counts: { waitedMs: Math.round(waitedMs) },
    });
    console.log(`      raw ioredis: the GET waited ${Math.round(waitedMs)} ms (the whole freeze)`);
  });
});
