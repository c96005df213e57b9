// RedisClient through a FaultProxy under a load of INCR (never re-sent) and GET (re-sent when
// safe): a network partition (blackhole), connections reset in the middle of replies, and replies
// slower than commandTimeoutMs. Every call is bounded, no acknowledged INCR is lost or applied
// twice, and once the toxic is gone every call succeeds.
import { expect } from 'chai';
import { createRedisClient } from '../../src/ioredis/index.js';
import type { RedisClient } from '../../src/ioredis/RedisClient.js';
import type { RedisClientOptions } from '../../src/ioredis/RedisClientOptions.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import type { ToxicOptions } from '../../src/testing/toxics/ToxicOptions.js';
import { RedisServer } from '../helpers/servers/RedisServer.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  capturingLogger,
  invariantNames,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline, readCounter } from './redisChaos.js';
import {
  type ToxicLoadResult,
  cycleBoundMs,
  loadThroughToxic,
  resentLogged,
  tally,
} from './toxicChaos.js';

/** What a scenario checks: the load's result, GETs re-sent (from the log), the client. */
interface ToxicRun extends ToxicLoadResult {
  readonly readRetries: number;
  readonly client: RedisClient;
}

/** The invariants the three toxics share, as docs/reliability.md lists them. */
const shared = [
  invariantNames.noLostWrite,
  invariantNames.noDoubleWrite,
  'zero errors after the toxic is removed',
  invariantNames.noUnhandledRejection,
  invariantNames.transitions,
  invariantNames.endsConnected,
  invariantNames.handlesReleased,
];

describe('RedisClient through a FaultProxy (chaos: toxics)', function () {
  this.timeout(60_000);
  let server: RedisServer;

  before(async () => {
    server = await RedisServer.start();
  });

  after(async () => {
    await server.stop();
  });

  /**
   * Runs 3 INCR and 3 GET callers through a fresh proxy while `toxics` hold for `faultMs`
   * (loadThroughToxic), asserts the shared invariants and returns what the callers saw.
   */
  async function underToxic(
    key: string,
    options: RedisClientOptions,
    toxics: readonly ToxicOptions[],
    faultMs: number,
  ): Promise<ToxicRun> {
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const proxy = await FaultProxy.start({ upstream: { host: server.host, port: server.port } });
    const logger = capturingLogger();
    const client = createRedisClient({ host: proxy.host, port: proxy.port, logger, ...options });
    const states = recordStates(client.state$);
    let result: ToxicLoadResult;
    try {
      await client.ready();
      result = await loadThroughToxic({
        proxy,
        toxics,
        faultMs,
        write: () => client.incr(key),
        read: () => client.get(key),
      });
    } finally {
      await client.close();
      await proxy.close();
    }
    expect(result.errorsAfter, 'errors after the toxic was removed').to.deep.equal([]);
    result.writes.checkCounter(await readCounter(server.port, key));
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    await assertHandlesReleased(handles);
    return { ...result, readRetries: resentLogged(logger.lines, 'GET'), client };
  }

  it('a network partition (timeout toxic both ways): every call bounded, no dead connection after', async () => {
    const commandTimeoutMs = 500;
    const connectTimeoutMs = 500;
    const faultMs = 2000;
    const run = await underToxic(
      'chaos:toxic:blackhole',
      {
        targetName: 'redis-blackhole',
        commandTimeoutMs,
        healthCheckIntervalMs: 250,
        connectTimeoutMs,
        retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 300 },
      },
      [
        { type: 'timeout', stream: 'upstream' },
        { type: 'timeout', stream: 'downstream' },
      ],
      faultMs,
    );
    const { writes, reads, longestMs, recoveryMs } = run;
    // A command in flight fails within 1.25 x commandTimeoutMs; then one reconnect cycle at most.
    const bound = commandTimeoutMs * 1.25 + cycleBoundMs(run.client.policy, connectTimeoutMs);
    expect(longestMs, 'longest call').to.be.at.most(bound + 500);
    expect(run.writeCodes, 'INCR errors').to.not.deep.equal([]);
    recordScenario({
      target: 'redis',
      scenario: 'network partition (blackhole) under load',
      injected: `FaultProxy timeout toxic both ways for ${faultMs / 1000} s, then removed; commandTimeoutMs ${commandTimeoutMs}, connectTimeoutMs ${connectTimeoutMs}; 3 callers issuing INCR, 3 GET`,
      callersSaw: `INCR: ${writes.summary()}; GET: ${reads.summary()}; longest call ${Math.round(longestMs)} ms (bound ${Math.round(bound)} ms); 0 errors in 40 calls after`,
      recoveryMs: Math.round(recoveryMs),
      invariants: ['no call waits past its deadline', ...shared],
      counts: { ...writes.counts(), longestMs: Math.round(longestMs), boundMs: Math.round(bound) },
    });
    console.log(
      `      blackhole: INCR ${tally(run.writeCodes)}; GET ${tally(run.readCodes)}; longest ${Math.round(longestMs)} ms (bound ${Math.round(bound)}); first success ${Math.round(recoveryMs)} ms after removal`,
    );
  });

  it('connections reset mid-reply (reset_peer on replies): INCRs never re-sent, GETs re-sent', async () => {
    const faultMs = 400;
    const run = await underToxic(
      'chaos:toxic:reset',
      {
        targetName: 'redis-reset-peer',
        commandTimeoutMs: 1000,
        connectTimeoutMs: 1000,
        // The reconnect cycle (at least 750 ms of waits) outlasts the fault.
        retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 400 },
      },
      [{ type: 'reset_peer', stream: 'downstream', attributes: { timeout: 50 } }],
      faultMs,
    );
    const { writes, reads, longestMs, recoveryMs, readRetries } = run;
    // The reply is held 50 ms before the RST, so every caller has a command in flight: the INCRs
    // cut mid-reply became OutcomeUnknownError, the GETs were sent again and none failed.
    expect(writes.count('outcome-unknown'), 'INCRs cut mid-reply').to.be.above(0);
    for (const code of run.writeCodes) expect(code).to.match(/^ERR_HOLDFAST_OUTCOME_UNKNOWN\//);
    expect(readRetries, 'GETs re-sent').to.be.above(0);
    expect(run.readCodes, 'GET errors').to.deep.equal([]);
    recordScenario({
      target: 'redis',
      scenario: 'connection reset mid-reply (reset_peer)',
      injected: `FaultProxy reset_peer toxic on replies for ${faultMs} ms (TCP RST 50 ms into the next reply, on every reconnect too), then removed; 3 callers issuing INCR, 3 GET`,
      callersSaw: `INCR: ${writes.summary()}; GET: ${reads.summary()}, ${readRetries} re-sent; longest call ${Math.round(longestMs)} ms; 0 errors in 40 calls after`,
      recoveryMs: Math.round(recoveryMs),
      invariants: ['reads re-sent, none failed', ...shared],
      counts: { ...writes.counts(), readRetries },
    });
    console.log(
      `      reset_peer: INCR ${tally(run.writeCodes)}; GET ${reads.summary()}, ${readRetries} re-sent; first success ${Math.round(recoveryMs)} ms after removal`,
    );
  });

  it('replies slower than commandTimeoutMs (latency toxic): bounded, OutcomeUnknownError, then served', async () => {
    const commandTimeoutMs = 400;
    const connectTimeoutMs = 400;
    const latencyMs = 1500;
    const faultMs = 2000;
    const run = await underToxic(
      'chaos:toxic:latency',
      {
        targetName: 'redis-latency',
        commandTimeoutMs,
        connectTimeoutMs,
        retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 300 },
      },
      [{ type: 'latency', stream: 'downstream', attributes: { latency: latencyMs } }],
      faultMs,
    );
    const { writes, reads, longestMs, recoveryMs } = run;
    const bound = commandTimeoutMs * 1.25 + cycleBoundMs(run.client.policy, connectTimeoutMs);
    expect(longestMs, 'longest call').to.be.at.most(bound + 500);
    // The INCRs in flight timed out and were reported, not sent again.
    expect(run.writeCodes).to.include(
      'ERR_HOLDFAST_OUTCOME_UNKNOWN/ERR_HOLDFAST_REDIS_COMMAND_TIMEOUT',
    );
    recordScenario({
      target: 'redis',
      scenario: 'replies slower than commandTimeoutMs (latency)',
      injected: `FaultProxy latency toxic of ${latencyMs} ms on replies for ${faultMs / 1000} s (commandTimeoutMs ${commandTimeoutMs}, connectTimeoutMs ${connectTimeoutMs}), then removed; 3 callers issuing INCR, 3 GET`,
      callersSaw: `INCR: ${writes.summary()}; GET: ${reads.summary()}; longest call ${Math.round(longestMs)} ms (bound ${Math.round(bound)} ms); 0 errors in 40 calls after`,
      recoveryMs: Math.round(recoveryMs),
      invariants: [
        'no call waits past its deadline',
        'timed-out writes reported OutcomeUnknownError, not re-sent',
        ...shared,
      ],
      counts: { ...writes.counts(), longestMs: Math.round(longestMs), boundMs: Math.round(bound) },
    });
    console.log(
      `      latency: INCR ${tally(run.writeCodes)}; GET ${tally(run.readCodes)}; longest ${Math.round(longestMs)} ms (bound ${Math.round(bound)}); first success ${Math.round(recoveryMs)} ms after removal`,
    );
  });
});
