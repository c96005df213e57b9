// Libraries written for ioredis, given a holdfast client as it is: BullMQ, rate-limiter-flexible
// and connect-redis, on the shared Redis through a FaultProxy that cuts the connections (keys
// and queues named hf16..., removed afterwards).
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { expect } from 'chai';
import RedisStore from 'connect-redis';
import type { SessionData } from 'express-session';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type RedisClient, createRedisClient } from '../../src/ioredis/index.js';
import { FaultProxy } from '../../src/testing/FaultProxy.js';
import { eventually } from '../helpers/eventually.js';

const run = `${process.pid}-${randomUUID().slice(0, 8)}`;
const shared = { host: '127.0.0.1', port: 6379 } as const;

describe('ioredis libraries on a holdfast client (integration)', () => {
  let proxy: FaultProxy;
  let client: RedisClient;

  beforeEach(async () => {
    proxy = await FaultProxy.start({ upstream: shared });
    client = createRedisClient({
      host: '127.0.0.1',
      port: proxy.port,
      targetName: 'redis-libraries',
      retry: { baseDelayMs: 100, maxDelayMs: 500, maxRetries: 20 },
    });
  });

  afterEach(async () => {
    await client.close();
    await proxy.close();
  });

  /** Cuts every connection through the proxy and refuses new ones for `ms`. */
  async function outage(ms: number): Promise<void> {
    const down = proxy.add({ type: 'down' });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await proxy.remove(down);
  }

  it('BullMQ: a Queue and a Worker process 1,000 jobs through a 2 s outage, none lost', async function () {
    this.timeout(60_000);
    const name = `hf16-jobs-${run}`;
    const prefix = 'hf16bull';
    const queue = new Queue(name, { connection: client, prefix });
    const processed = new Map<string, number>();
    const worker = new Worker(
      name,
      async (job) => {
        processed.set(job.id ?? '', (processed.get(job.id ?? '') ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 15));
        return job.data as unknown;
      },
      {
        connection: client,
        prefix,
        concurrency: 10,
        // A job whose completion was cut off is taken back by the stalled-job check.
        lockDuration: 2000,
        stalledInterval: 1000,
        maxStalledCount: 10,
      },
    );
    worker.on('error', () => undefined);
    queue.on('error', () => undefined);
    try {
      const jobs = Array.from({ length: 1000 }, (_, i) => ({
        name: 'job',
        data: { i },
        opts: { jobId: `job-${i}`, removeOnComplete: false },
      }));
      for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100));
      await eventually(() => processed.size >= 200, 20_000, 10);
      await outage(2000);
      await eventually(() => processed.size === 1000, 40_000, 50);
      const completed = await eventuallyCount(queue, 1000);
      expect(completed, 'jobs completed').to.equal(1000);
      const counts = await queue.getJobCounts('failed', 'waiting', 'active', 'delayed');
      expect(counts).to.deep.equal({ failed: 0, waiting: 0, active: 0, delayed: 0 });
      const twice = [...processed.values()].filter((n) => n > 1).length;
      console.log(
        `      BullMQ: 1,000 jobs, 2 s outage: 1,000 completed, 0 lost, ${twice} run again by the stalled-job check`,
      );
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
  });

  it('rate-limiter-flexible: consumes points before and after a reconnect (rlflxIncr stays defined)', async () => {
    const limiter = new RateLimiterRedis({
      storeClient: client,
      points: 5,
      duration: 30,
      keyPrefix: `hf16rl-${run}`,
    });
    expect((await limiter.consume('user')).remainingPoints).to.equal(4);
    expect((await limiter.consume('user', 2)).remainingPoints).to.equal(2);
    await outage(300);
    expect((await limiter.consume('user')).remainingPoints).to.equal(1);
    await limiter.delete('user');
  });

  it('connect-redis: stores and reads a session before and after a reconnect', async () => {
    const store = new RedisStore({ client, prefix: `hf16sess-${run}:` });
    const read = (sid: string): Promise<unknown> =>
      new Promise((resolve, reject) => {
        void store.get(sid, (error, data) => {
          if (error === undefined || error === null) resolve(data);
          else
            reject(
              error instanceof Error
                ? error
                : new Error('connect-redis get failed', { cause: error }),
            );
        });
      });
    const session = (user: string): SessionData =>
      ({
        cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
        user,
      }) as unknown as SessionData;
    await store.set('before', session('ada'));
    await outage(300);
    expect(await read('before')).to.deep.include({ user: 'ada' });
    await store.set('after', session('grace'));
    expect(await read('after')).to.deep.include({ user: 'grace' });
    await Promise.all([store.destroy('before'), store.destroy('after')]);
  });

  after(async () => {
    const admin = new Redis(shared);
    const keys = await admin.keys(`hf16*${run}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });
});

async function eventuallyCount(queue: Queue, expected: number): Promise<number> {
  let completed = 0;
  await eventually(
    () => {
      void queue.getCompletedCount().then((n) => {
        completed = n;
      });
      return completed === expected;
    },
    10_000,
    100,
  ).catch(() => undefined);
  return completed;
}
