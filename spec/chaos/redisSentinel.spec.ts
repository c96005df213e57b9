// Redis Sentinel (1 master, 1 replica, 3 sentinels, down-after 1 s): the master SIGKILLed under
// INCR load, through holdfast's createRedisClient({ sentinels, name }) and through raw ioredis 6
// defaults; a manual failover (SENTINEL FAILOVER) followed through ioredis's failoverDetector; and
// READONLY from a replica that a stale sentinel names as master. One sentinel group serves every
// scenario of this file; the manual failover runs first, while the sentinels' view of the replica
// is fresh.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createRedisClient, type RedisClientOptions } from '../../src/ioredis/index.js';
import { redisReplyPrefix } from '../../src/classify/redisReplyPrefix.js';
import { askRedis } from '../helpers/servers/askRedis.js';
import { FakeSentinel } from '../helpers/servers/FakeSentinel.js';
import { RedisSentinelGroup } from '../helpers/servers/RedisSentinelGroup.js';
import {
  type FailoverOutcome,
  failoverInvariants,
  failoverUnderLoad,
  seconds,
} from './failoverChaos.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertTransitionsAllowed,
  invariantNames,
  recordStates,
  watchUnhandledRejections,
} from './invariants.js';
import { recordScenario } from './recordScenario.js';
import { handleBaseline } from './redisChaos.js';

/** Long enough for down-after (1 s) + the vote + the promotion, with room to spare. */
const sentinelRetry = { baseDelayMs: 100, maxDelayMs: 500, maxRetries: 40, maxElapsedMs: 15_000 };

/** What the current master holds for `key` (replication is asynchronous: read the master). */
async function counterOnMaster(group: RedisSentinelGroup, key: string): Promise<number> {
  return Number((await askRedis(await group.masterPort(), 'GET', key)) ?? 0);
}

function describeOutcome(o: FailoverOutcome, counter: number): string {
  const acked = o.ledger.count('acknowledged');
  return `${o.ledger.summary()}; counter ${counter} (acknowledged ${acked})`;
}

describe('Redis Sentinel failover (chaos)', function () {
  this.timeout(60_000);
  let group: RedisSentinelGroup;

  /** A holdfast client of the group's master, through its sentinels. */
  function sentinelClient(targetName: string, extra: RedisClientOptions = {}) {
    return createRedisClient({
      sentinels: group.sentinelAddresses,
      name: group.masterName,
      targetName,
      retry: sentinelRetry,
      ...extra,
    });
  }

  before(async () => {
    group = await RedisSentinelGroup.start();
  });

  after(async () => {
    await group.stop();
  });

  /** Kills the current master under `incr` load; with `recover`, restarts it as a replica. */
  async function killMaster(
    incr: (id: string) => Promise<unknown>,
    recover: boolean,
  ): Promise<FailoverOutcome> {
    const formerPort = await group.masterPort();
    try {
      return await failoverUnderLoad({
        write: incr,
        fault: () => group.server(formerPort).kill(),
        promoted: () => group.waitForPromotion(formerPort),
      });
    } finally {
      if (recover) await group.recover(formerPort);
    }
  }

  it('holdfast + failoverDetector: a manual failover is one reconnect cycle', async () => {
    const key = 'hf18:sentinel:switch';
    const rejections = watchUnhandledRejections();
    const formerPort = await group.masterPort();
    // ioredis's own: subscribe to +switch-master and drop the connection when it comes.
    const client = sentinelClient('redis-sentinel-switch', { failoverDetector: true });
    const states = recordStates(client.state$);
    let outcome: FailoverOutcome;
    try {
      await client.ready();
      outcome = await failoverUnderLoad({
        write: () => client.incr(key),
        fault: async () => {
          await askRedis(group.sentinels[0]!.port, 'SENTINEL', 'FAILOVER', group.masterName);
        },
        promoted: () => group.waitForPromotion(formerPort),
      });
    } finally {
      await client.close();
      await group.reattach(formerPort);
    }
    const counter = await counterOnMaster(group, key);
    const { ledger } = outcome;
    expect(ledger.count('failed'), ledger.summary()).to.equal(0);
    expect(counter, `${invariantNames.noDoubleWrite}: ${ledger.summary()}`).to.be.at.most(
      ledger.count('acknowledged') + ledger.count('outcome-unknown'),
    );
    expect(states.statuses.filter((s) => s === 'connected').length).to.equal(2);
    const lost = Math.max(0, ledger.count('acknowledged') - counter);
    expect(states.statuses, 'one reconnect cycle').to.not.include('failed');
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    recordScenario({
      target: 'redis',
      scenario: 'sentinel: manual failover (SENTINEL FAILOVER), failoverDetector on',
      injected:
        'SENTINEL FAILOVER under 4 INCR callers: the replica is promoted while the master still runs',
      callersSaw: `${describeOutcome(outcome, counter)}: ${lost} acknowledged INCRs went to the former master between the promotion and +switch-master and were dropped when it became a replica`,
      recoveryMs: Math.round(outcome.recoveryMs),
      invariants: [...failoverInvariants],
      counts: {
        ...ledger.counts(),
        counter,
        lostBySwitch: lost,
        promotionMs: Math.round(outcome.promotionMs),
        outageMs: Math.round(outcome.outageMs),
      },
    });
    console.log(
      `      holdfast + SENTINEL FAILOVER: promotion ${seconds(outcome.promotionMs)}, callers' outage ${seconds(outcome.outageMs)}, ${describeOutcome(outcome, counter)}, ${lost} lost in the switch`,
    );
  });

  it('holdfast: READONLY from a replica a stale sentinel names is a reconnect, not an error', async () => {
    const key = 'hf18:sentinel:readonly';
    const masterPort = await group.masterPort();
    const replicaPort = group.master.port === masterPort ? group.replica.port : group.master.port;
    // Names the replica first (as a sentinel that missed the switch would), then the master.
    const stale = await FakeSentinel.start([replicaPort, masterPort]);
    const client = sentinelClient('redis-sentinel-readonly', {
      sentinels: [{ host: stale.host, port: stale.port }],
    });
    const lostOn: string[] = [];
    const events = client.events$.subscribe((event) => {
      if (event.type === 'connection-lost') lostOn.push(redisReplyPrefix(event.error) ?? 'other');
    });
    let results: unknown[];
    try {
      results = await Promise.all([client.incr(key), client.incr(key), client.get(key)]);
    } finally {
      events.unsubscribe();
      await client.close();
      await stale.close();
    }
    expect(lostOn).to.deep.equal(['READONLY']);
    expect(stale.named).to.deep.equal([replicaPort, masterPort]);
    expect(results.slice(0, 2).map(Number).sort()).to.deep.equal([1, 2]);
  });

  it('baseline: raw ioredis 6 defaults with sentinels, master killed', async () => {
    const key = 'hf18:sentinel:raw';
    const redis = new Redis({ sentinels: group.sentinelAddresses, name: group.masterName });
    redis.on('error', () => undefined);
    let outcome: FailoverOutcome;
    try {
      outcome = await killMaster(() => redis.incr(key), true);
    } finally {
      redis.disconnect();
    }
    const counter = await counterOnMaster(group, key);
    const acked = outcome.ledger.count('acknowledged');
    recordScenario({
      target: 'redis',
      scenario: 'sentinel: master killed, raw ioredis 6 defaults (baseline)',
      injected:
        'SIGKILL the master of a 1 master + 1 replica + 3 sentinel group (down-after 1 s) under 4 INCR callers',
      callersSaw: describeOutcome(outcome, counter),
      recoveryMs: Math.round(outcome.recoveryMs),
      invariants: [],
      counts: {
        ...outcome.ledger.counts(),
        counter,
        appliedTwiceAtLeast: Math.max(0, counter - acked),
        promotionMs: Math.round(outcome.promotionMs),
        outageMs: Math.round(outcome.outageMs),
        longestCallMs: Math.round(outcome.longestCallMs),
      },
    });
    console.log(
      `      raw ioredis + sentinel: promotion ${seconds(outcome.promotionMs)}, callers' outage ${seconds(outcome.outageMs)}, first success ${Math.round(outcome.recoveryMs)} ms after it, ${describeOutcome(outcome, counter)}`,
    );
  });

  it('holdfast: callers wait through the failover and succeed; no INCR applied twice', async () => {
    const key = 'hf18:sentinel:holdfast';
    const rejections = watchUnhandledRejections();
    const handles = await handleBaseline();
    const client = sentinelClient('redis-sentinel-chaos');
    const states = recordStates(client.state$);
    let outcome: FailoverOutcome;
    try {
      await client.ready();
      // The last scenario of the file: the killed master stays down.
      outcome = await killMaster(() => client.incr(key), false);
    } finally {
      await client.close();
    }
    const counter = await counterOnMaster(group, key);
    const { ledger } = outcome;
    expect(ledger.count('failed'), ledger.summary()).to.equal(0);
    expect(counter, `${invariantNames.noDoubleWrite}: ${ledger.summary()}`).to.be.at.most(
      ledger.count('acknowledged') + ledger.count('outcome-unknown'),
    );
    expect(states.statuses, 'the failover is one reconnect cycle').to.not.include('failed');
    rejections.assertNone();
    assertTransitionsAllowed(states.statuses);
    assertEndsConnected(states.statuses);
    await assertHandlesReleased(handles);
    const lost = Math.max(0, ledger.count('acknowledged') - counter);
    recordScenario({
      target: 'redis',
      scenario: 'sentinel: master killed under INCR load',
      injected:
        'SIGKILL the master of a 1 master + 1 replica + 3 sentinel group (down-after 1 s) under 4 INCR callers; retry 100 ms..500 ms, up to 15 s',
      callersSaw: `${describeOutcome(outcome, counter)}; ${lost} acknowledged INCRs lost by Redis's asynchronous replication`,
      recoveryMs: Math.round(outcome.recoveryMs),
      invariants: [...failoverInvariants, invariantNames.handlesReleased],
      counts: {
        ...ledger.counts(),
        counter,
        lostByReplication: lost,
        promotionMs: Math.round(outcome.promotionMs),
        outageMs: Math.round(outcome.outageMs),
        longestCallMs: Math.round(outcome.longestCallMs),
      },
    });
    console.log(
      `      holdfast + sentinel: promotion ${seconds(outcome.promotionMs)}, callers' outage ${seconds(outcome.outageMs)}, first success ${Math.round(outcome.recoveryMs)} ms after it, longest call ${seconds(outcome.longestCallMs)}, ${describeOutcome(outcome, counter)}`,
    );
  });
});
