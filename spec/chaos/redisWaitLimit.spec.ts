// A call fails on its own clock, not the cycle's (ADR 0017): against a private redis-server that
// was killed and stays down, a call arriving late in a failing reconnect cycle still waits its
// full limit, and every cycle makes at most maxRetries + 1 attempts.
import { expect } from 'chai';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import { createRedisClient } from '../../src/ioredis/index.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import { assertTransitionsAllowed, recordStates, watchUnhandledRejections } from './invariants.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline, pause } from './redisChaos.js';
import { assertHandlesReleased } from './invariants.js';

// Waits 200 + 400 ms: a cycle takes ~600 ms, and so does a call's default wait limit.
const retry = { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 1000, jitter: 'none' } as const;
const limitMs = 600;

describe('RedisClient calls waiting through an outage (chaos: call wait limit)', function () {
  this.timeout(30_000);
  let server: RedisServer;

  before(async () => {
    server = await RedisServer.start();
  });

  after(async () => {
    await server.stop();
  });

  it('a call that arrives late in a failing cycle still gets its full wait', async () => {
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const client = createRedisClient({
      host: server.host,
      port: server.port,
      targetName: 'redis-wait-limit',
      retry,
    });
    const states = recordStates(client.state$);
    const events: { at: number; event: ConnectionEvent<unknown> }[] = [];
    client.events$.subscribe((event) => events.push({ at: performance.now(), event }));
    const waits: { label: string; waitedMs: number; code: unknown }[] = [];
    const timed = async (label: string): Promise<void> => {
      const started = performance.now();
      const error = await client.ready().then(
        () => undefined,
        (e: unknown) => e,
      );
      waits.push({
        label,
        waitedMs: performance.now() - started,
        code: (error as { code?: unknown } | undefined)?.code,
      });
    };
    try {
      await client.ready();
      await server.kill('SIGKILL');
      // The cycle starts when the client notices the loss; then one call at its start and one
      // 100 ms before it gives up.
      const started = performance.now();
      while (!events.some((e) => e.event.type === 'retry-scheduled')) {
        if (performance.now() - started > 5000) throw new Error('no reconnect cycle began');
        await pause(5);
      }
      const early = timed('early');
      await pause(limitMs - 100);
      const late = timed('late');
      await Promise.all([early, late]);
      // Then the server stays down a little longer: cycles go on only while calls wait.
      await pause(1500);
    } finally {
      await client.close();
      states.stop();
    }
    const byLabel = Object.fromEntries(waits.map((w) => [w.label, w]));
    expect(byLabel.early?.code).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
    expect(byLabel.late?.code).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
    // Each call waited at least its own limit (a few ms of timer slack allowed).
    expect(byLabel.early?.waitedMs).to.be.at.least(limitMs - 20);
    expect(byLabel.late?.waitedMs).to.be.at.least(limitMs - 20);
    // Attempts per cycle never exceed maxRetries + 1; a pause of the base delay between cycles.
    const perCycle: number[] = [0];
    for (const { event } of events) {
      if (event.type === 'attempt-started') perCycle[perCycle.length - 1]! += 1;
      if (event.type === 'gave-up' || event.type === 'connected') perCycle.push(0);
    }
    // The first entry is the connect before the kill.
    const cycles = perCycle.slice(1).filter((n) => n > 0);
    expect(Math.max(...cycles)).to.be.at.most(retry.maxRetries + 1);
    expect(cycles.length, 'cycles').to.be.at.least(2);
    const restarts = events.filter((e) => e.event.type === 'restart-scheduled').length;
    expect(restarts).to.equal(cycles.length - 1);
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    await assertHandlesReleased(handles);
    recordScenario({
      target: 'redis',
      scenario: 'call wait limit: a call arriving late in a failing cycle',
      injected: `redis-server SIGKILLed and left down; retry ${JSON.stringify(retry)} (cycle and default wait limit ~${limitMs} ms); one ready() at the cycle's start, one ${limitMs - 100} ms later`,
      callersSaw: `RetriesExhaustedError after ${waits.map((w) => `${Math.round(w.waitedMs)} ms (${w.label})`).join(', ')}; ${cycles.length} cycles of ${cycles.join(', ')} attempts, ${restarts} restarted after the base delay for calls still waiting`,
      recoveryMs: null,
      invariants: [
        'a call waits its own limit wherever in the cycle it arrived',
        'at most maxRetries + 1 attempts per cycle',
      ],
      counts: {
        earlyMs: Math.round(byLabel.early?.waitedMs ?? -1),
        lateMs: Math.round(byLabel.late?.waitedMs ?? -1),
        cycles: cycles.length,
      },
    });
    console.log(
      `      late call: waited ${waits.map((w) => `${w.label} ${Math.round(w.waitedMs)} ms`).join(', ')}; cycles ${cycles.join(', ')}`,
    );
  });
});
