// SIGKILL and restart of a durable private Redis under a stream of INCRs: holdfast never applies
// an INCR twice (counter <= acknowledged + OutcomeUnknownError), raw ioredis 6 defaults do.
import { expect } from 'chai';
import type { Redis } from 'ioredis';
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
import {
  handleBaseline,
  killAfterAofWrite,
  median,
  pause,
  rawIoredis,
  readCounter,
  spread,
  startDurableRedis,
} from './redisChaos.js';
import { runLoad } from './runLoad.js';
import { WriteLedger } from './WriteLedger.js';

const cycles = 20;
const key = 'chaos:counter';

interface CycleResult {
  /** INCRs the server holds from this cycle. */
  readonly applied: number;
  readonly acknowledged: number;
  readonly outcomeUnknown: number;
  readonly failed: number;
  /** From the restarted server answering to the first acknowledged INCR, ms. */
  readonly recoveryMs: number;
  readonly timedAfterAofWrite: boolean;
}

/**
 * `cycles` times: INCRs from 4 callers for 100-250 ms, SIGKILL (every other one the moment the
 * append-only file grows), restart, wait for the first acknowledged INCR, drain, read the counter.
 */
async function killCycles(
  server: RedisServer,
  incr: () => Promise<unknown>,
  check: (result: CycleResult, cycle: number) => void,
): Promise<CycleResult[]> {
  const results: CycleResult[] = [];
  let previous = await readCounter(server.port, key);
  for (let cycle = 0; cycle < cycles; cycle++) {
    const ledger = new WriteLedger();
    const load = runLoad({ concurrency: 4, pauseMs: 0, write: incr, ledger });
    await pause(100 + Math.random() * 150);
    const timedAfterAofWrite = cycle % 2 === 0 ? await killAfterAofWrite(server) : false;
    if (cycle % 2 !== 0) await server.kill();
    await server.restart();
    const readyAt = performance.now();
    const recoveredAt = await load.firstSuccessAfter(readyAt, 15_000);
    await load.stop();
    const counter = await readCounter(server.port, key);
    const result: CycleResult = {
      applied: counter - previous,
      acknowledged: ledger.count('acknowledged'),
      outcomeUnknown: ledger.count('outcome-unknown'),
      failed: ledger.count('failed'),
      recoveryMs: recoveredAt - readyAt,
      timedAfterAofWrite,
    };
    previous = counter;
    check(result, cycle);
    results.push(result);
  }
  return results;
}

function total(
  results: readonly CycleResult[],
  field: 'applied' | 'acknowledged' | 'outcomeUnknown' | 'failed',
): number {
  return results.reduce((sum, r) => sum + r[field], 0);
}

describe('RedisClient under SIGKILL (chaos)', function () {
  this.timeout(60_000);
  let server: RedisServer;

  beforeEach(async () => {
    server = await startDurableRedis(RedisServer.start.bind(RedisServer));
  });

  afterEach(async () => {
    await server.stop();
  });

  it('never applies an INCR twice: counter <= acknowledged + OutcomeUnknownError in 20 kills', async () => {
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const client = createRedisClient({ port: server.port, targetName: 'redis-chaos' });
    const states = recordStates(client.state$);
    const started = performance.now();
    let results: CycleResult[];
    try {
      results = await killCycles(
        server,
        () => client.incr(key),
        (r, cycle) => {
          const where = `cycle ${cycle}: ${JSON.stringify(r)}`;
          expect(r.applied, `${where}: acknowledged INCR lost`).to.be.at.least(r.acknowledged);
          expect(r.applied, `${where}: INCR applied twice`).to.be.at.most(
            r.acknowledged + r.outcomeUnknown,
          );
          expect(r.failed, `${where}: only OutcomeUnknownError expected`).to.equal(0);
        },
      );
    } finally {
      await client.close();
    }
    const elapsed = performance.now() - started;
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    await assertHandlesReleased(handles);
    expect(elapsed).to.be.below(45_000);

    const unknownApplied = total(results, 'applied') - total(results, 'acknowledged');
    recordScenario({
      target: 'redis',
      scenario: 'kill -9 under INCR load (20 cycles)',
      injected: `SIGKILL redis-server (appendfsync always) 20 times, 10 of them right after an AOF write, restart at once; 4 callers issuing INCR`,
      callersSaw: `${total(results, 'acknowledged')} ok, ${total(results, 'outcomeUnknown')} OutcomeUnknownError (${unknownApplied} of them applied), ${total(results, 'failed')} other errors`,
      recoveryMs: Math.round(median(results.map((r) => r.recoveryMs))),
      invariants: [...recoveryInvariants],
      counts: {
        cycles,
        acknowledged: total(results, 'acknowledged'),
        outcomeUnknown: total(results, 'outcomeUnknown'),
        applied: total(results, 'applied'),
        appliedTwice: 0,
        elapsedMs: Math.round(elapsed),
      },
    });
    console.log(
      `      holdfast: ${cycles} kills in ${Math.round(elapsed)} ms, recovery ${spread(results.map((r) => r.recoveryMs))}, ${total(results, 'outcomeUnknown')} OutcomeUnknownError (${unknownApplied} applied), 0 applied twice`,
    );
  });

  it('baseline: raw ioredis 6 defaults apply INCRs twice after the same kills', async () => {
    const redis: Redis = rawIoredis(server.port);
    const started = performance.now();
    let results: CycleResult[];
    try {
      results = await killCycles(
        server,
        () => redis.incr(key),
        () => undefined,
      );
    } finally {
      redis.disconnect();
    }
    const elapsed = performance.now() - started;
    // ioredis re-sends the unanswered INCRs after reconnecting; each applied one counts twice.
    const twice = results.map((r) => r.applied - r.acknowledged);
    const cyclesWithDouble = twice.filter((n) => n > 0).length;
    expect(total(results, 'outcomeUnknown')).to.equal(0);
    expect(cyclesWithDouble, 'ioredis re-sent no applied INCR: the baseline changed').to.be.above(
      0,
    );
    recordScenario({
      target: 'redis',
      scenario: 'kill -9 under INCR load (20 cycles), raw ioredis 6 defaults (baseline)',
      injected:
        'the same 20 kills, ioredis 6 with its defaults (retryStrategy, offline queue, autoResendUnfulfilledCommands)',
      callersSaw: `${total(results, 'acknowledged')} ok, ${total(results, 'failed')} errors; ${twice.reduce((a, b) => a + b, 0)} INCRs applied twice, silently, in ${cyclesWithDouble} of ${cycles} kills`,
      recoveryMs: Math.round(median(results.map((r) => r.recoveryMs))),
      invariants: [],
      counts: {
        cycles,
        acknowledged: total(results, 'acknowledged'),
        applied: total(results, 'applied'),
        appliedTwice: twice.reduce((a, b) => a + b, 0),
        cyclesWithDouble,
        elapsedMs: Math.round(elapsed),
      },
    });
    console.log(
      `      raw ioredis: ${cycles} kills in ${Math.round(elapsed)} ms, recovery ${spread(results.map((r) => r.recoveryMs))}, ${twice.reduce((a, b) => a + b, 0)} INCRs applied twice in ${cyclesWithDouble} kills`,
    );
  });
});
