// A 3 s Redis outage and a server that never returns: how long callers wait and what they see,
// through holdfast and through raw ioredis 6 defaults.
import { expect } from 'chai';
import { createRedisClient } from '../../src/ioredis/index.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  invariantNames,
  recoveryInvariants,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { recordScenario } from './recordScenario.js';
import {
  handleBaseline,
  pause,
  rawIoredis,
  readCounter,
  spread,
  startDurableRedis,
} from './redisChaos.js';
import { runLoad } from './runLoad.js';
import { WriteLedger } from './WriteLedger.js';
import { cycleBoundMs } from './toxicChaos.js';

const outageMs = 3000;
const key = 'chaos:outage';

/** Issues `count` calls at once; resolves with each one's time to settle (ms) and outcome. */
async function burst(
  count: number,
  call: (i: number) => Promise<unknown>,
  waitMs: number,
): Promise<{ settledMs: number[]; codes: string[]; pending: number }> {
  const started = performance.now();
  const settledMs: number[] = [];
  const codes: string[] = [];
  const calls = Array.from({ length: count }, (_, i) =>
    call(i).then(
      () => {
        settledMs.push(performance.now() - started);
        codes.push('ok');
      },
      (error: unknown) => {
        settledMs.push(performance.now() - started);
        const { code, name } = error as { code?: unknown; name?: unknown };
        codes.push(typeof code === 'string' ? code : typeof name === 'string' ? name : 'unknown');
      },
    ),
  );
  const timer = new AbortController();
  await Promise.race([Promise.all(calls), pause(waitMs, timer.signal).catch(() => undefined)]);
  timer.abort();
  return { settledMs, codes, pending: count - settledMs.length };
}

function tally(codes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code} x${n}`).join(', ');
}

describe('RedisClient through outages (chaos)', function () {
  this.timeout(30_000);
  let server: RedisServer;

  beforeEach(async () => {
    server = await startDurableRedis(RedisServer.start.bind(RedisServer));
  });

  afterEach(async () => {
    await server.stop();
  });

  describe('a 3 s outage', () => {
    it('recovers at the next scheduled attempt and applies nothing twice', async () => {
      const rejections = watchUnhandledRejections();
      const handles = await handleBaseline();
      const client = createRedisClient({ port: server.port, targetName: 'redis-outage' });
      const states = recordStates(client.state$);
      const attemptsAt: number[] = [];
      const events = client.events$.subscribe((event) => {
        if (event.type === 'attempt-started') attemptsAt.push(performance.now());
      });
      const ledger = new WriteLedger();
      let recoveryMs: number;
      let readyAt = 0;
      try {
        await client.ready();
        const load = runLoad({
          concurrency: 4,
          pauseMs: 20,
          write: () => client.incr(key),
          ledger,
        });
        await pause(300);
        await server.kill();
        await pause(outageMs);
        await server.restart();
        readyAt = performance.now();
        recoveryMs = (await load.firstSuccessAfter(readyAt, 15_000)) - readyAt;
        await pause(200);
        await load.stop();
      } finally {
        events.unsubscribe();
        await client.close();
      }
      ledger.checkCounter(await readCounter(server.port, key));
      rejections.assertNone();
      assertTransitionsAllowed(states.statuses);
      assertEndsConnected(states.statuses);
      await assertHandlesReleased(handles);
      // DESIGN.md: first success no later than the next scheduled attempt + 50 ms (+ slack for
      // two shared cores). An attempt that started before the restart finished counts as 0.
      const nextAttemptMs = Math.max(
        0,
        (attemptsAt.find((t) => t >= readyAt) ?? readyAt) - readyAt,
      );
      expect(recoveryMs - nextAttemptMs).to.be.below(300);
      recordScenario({
        target: 'redis',
        scenario: '3 s outage',
        injected: 'SIGKILL redis-server, restart after 3 s; 4 callers issuing INCR every 20 ms',
        callersSaw: ledger.summary(),
        recoveryMs: Math.round(recoveryMs),
        invariants: ['first success at the next scheduled attempt', ...recoveryInvariants],
        counts: { ...ledger.counts(), nextAttemptMs: Math.round(nextAttemptMs) },
      });
      console.log(
        `      holdfast: first success ${Math.round(recoveryMs)} ms after the server was ready (next attempt was due at ${Math.round(nextAttemptMs)} ms); ${ledger.summary()}`,
      );
    });

    it('baseline: raw ioredis 6 defaults come back at their own next backoff step', async () => {
      const redis = rawIoredis(server.port);
      const ledger = new WriteLedger();
      let recoveryMs: number;
      try {
        await redis.ping();
        const load = runLoad({ concurrency: 4, pauseMs: 20, write: () => redis.incr(key), ledger });
        await pause(300);
        await server.kill();
        await pause(outageMs);
        await server.restart();
        const readyAt = performance.now();
        recoveryMs = (await load.firstSuccessAfter(readyAt, 15_000)) - readyAt;
        await pause(200);
        await load.stop();
      } finally {
        redis.disconnect();
      }
      const applied = await readCounter(server.port, key);
      const twice = applied - ledger.count('acknowledged');
      // Its backoff (50 ms x 2^n + up to 200 ms jitter) has reached ~1.6-3.2 s after 3 s down.
      expect(recoveryMs).to.be.above(100);
      recordScenario({
        target: 'redis',
        scenario: '3 s outage, raw ioredis 6 defaults (baseline)',
        injected: 'the same outage, ioredis 6 with its defaults',
        callersSaw: `${ledger.summary()}; ${twice} INCRs applied twice`,
        recoveryMs: Math.round(recoveryMs),
        invariants: [],
        counts: { ...ledger.counts(), appliedTwice: twice },
      });
      console.log(
        `      raw ioredis: first success ${Math.round(recoveryMs)} ms after the server was ready; ${ledger.summary()}; ${twice} applied twice`,
      );
    });
  });

  describe('a server that never returns', () => {
    it('gives every caller its error within the policy’s total delay', async () => {
      const rejections = watchUnhandledRejections();
      const handles = await handleBaseline();
      const client = createRedisClient({ port: server.port, targetName: 'redis-gone' });
      const bound = cycleBoundMs(client.policy, 0);
      let result: Awaited<ReturnType<typeof burst>>;
      let afterKill: Awaited<ReturnType<typeof burst>>;
      try {
        await client.ready();
        const inFlight = burst(
          8,
          (i) => (i % 2 === 0 ? client.incr(key) : client.get(key)),
          bound + 3000,
        );
        await server.kill();
        const later = burst(
          8,
          (i) => (i % 2 === 0 ? client.incr(key) : client.get(key)),
          bound + 3000,
        );
        const [first, second] = await Promise.all([inFlight, later]);
        afterKill = second;
        result = {
          settledMs: [...first.settledMs, ...second.settledMs],
          codes: [...first.codes, ...second.codes],
          pending: first.pending + second.pending,
        };
      } finally {
        await client.close();
      }
      rejections.assertNone();
      await assertHandlesReleased(handles);
      expect(result.pending).to.equal(0);
      // Calls in flight may have been answered before the kill; none issued after it can be.
      expect(afterKill.codes).to.not.include('ok');
      // Connect attempts to a dead port fail at once; the waits are the policy's (~0.5+1+2 s).
      expect(Math.max(...result.settledMs)).to.be.below(bound + 1500);
      recordScenario({
        target: 'redis',
        scenario: 'server never returns',
        injected:
          'SIGKILL redis-server for good; 8 calls (INCR, GET) in flight and 8 issued after the kill',
        callersSaw: tally(result.codes),
        recoveryMs: null,
        invariants: [
          invariantNames.noUnhandledRejection,
          invariantNames.handlesReleased,
          'every caller gets its error within the retry policy',
        ],
        counts: {
          callers: 16,
          slowestErrorMs: Math.round(Math.max(...result.settledMs)),
          boundMs: bound,
        },
      });
      console.log(
        `      holdfast: errors after ${spread(result.settledMs)}: ${tally(result.codes)}`,
      );
    });

    it('baseline: raw ioredis 6 defaults keep callers waiting (about 73 s)', async () => {
      const redis = rawIoredis(server.port);
      await redis.ping();
      const waitMs = 6000;
      let result: Awaited<ReturnType<typeof burst>>;
      try {
        await server.kill();
        result = await burst(8, (i) => (i % 2 === 0 ? redis.incr(key) : redis.get(key)), waitMs);
      } finally {
        redis.disconnect();
      }
      // maxRetriesPerRequest 20: the queue is flushed after 20 reconnects, whose delays add up
      // to min(50 x 2^(n-1), 5000) + 0-199 ms each: about 71 s + 2 s of jitter.
      let computed = 0;
      for (let n = 1; n <= 20; n++) computed += Math.min(50 * 2 ** (n - 1), 5000) + 100;
      expect(result.pending).to.equal(8);
      recordScenario({
        target: 'redis',
        scenario: 'server never returns, raw ioredis 6 defaults (baseline)',
        injected: 'the same, ioredis 6 with its defaults',
        callersSaw: `all 8 calls still pending after ${waitMs / 1000} s; MaxRetriesPerRequestError expected after ~${Math.round(computed / 1000)} s`,
        recoveryMs: null,
        invariants: [],
        counts: { pendingAfterMs: waitMs, computedFailureMs: computed },
      });
      console.log(
        `      raw ioredis: 8 of 8 calls still pending after ${waitMs} ms (they fail after ~${Math.round(computed / 1000)} s)`,
      );
    });
  });
});
