// What a ConnectionManager leaves behind, measured on the real event loop (no fake timers, no
// sockets, no sleeping): handles after close() and heap after many fail/connect cycles.
import { createHook } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { asapScheduler, filter, firstValueFrom } from 'rxjs';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { silentLogger } from '../../src/telemetry/Logger.js';
import { connectionRefused } from '../helpers/fakeErrors.js';
import { schedulerClock } from '../helpers/schedulerClock.js';

/**
 * Counts the live timers (Node `Timeout` resources) created by holdfast or RxJS code from now on;
 * other timers of the test process (mocha's, the loader's) are not counted.
 */
function trackTimers(): { live: () => number; stop: () => void } {
  const live = new Set<number>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      if (stack.includes('/src/') || stack.includes('/rxjs/')) live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return { live: () => live.size, stop: () => hook.disable() };
}

/** Lets Node run its queued destroy hooks (they are batched, not synchronous). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `global.gc`, exposing it at run time when node was started without --expose-gc. */
function collectGarbage(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('ConnectionManager (resources)', () => {
  describe('close() during a 10 s backoff', () => {
    it('resolves within a few milliseconds and leaves no timer it created', async () => {
      const timers = trackTimers();
      try {
        const manager = new ConnectionManager<never>({
          name: 'mysql-main',
          connect: () => Promise.reject(connectionRefused()),
          retry: { baseDelayMs: 10_000, maxDelayMs: 10_000, jitter: 'none' },
          budget: false,
          logger: silentLogger,
        });
        const ready = manager.ready().catch((error: unknown) => error);
        await firstValueFrom(manager.state$.pipe(filter((s) => s.status === 'retrying')));
        await settle();
        expect(timers.live()).to.equal(2); // the backoff wait and the call's wait limit

        const started = performance.now();
        await manager.close();
        const elapsed = performance.now() - started;

        expect(elapsed).to.be.below(50);
        const error = await ready;
        expect(isHoldfastError(error) && error.code).to.equal('ERR_HOLDFAST_CLOSED');
        await settle();
        expect(timers.live()).to.equal(0);
      } finally {
        timers.stop();
      }
    });
  });

  describe('10,000 fail/connect cycles', () => {
    it('keep the heap within 1 MB and raise no listener warning', async function () {
      this.timeout(60_000);
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => {
        warnings.push(warning);
      };
      process.on('warning', onWarning);
      const gc = collectGarbage();
      const refused = connectionRefused();
      let calls = 0;
      // Every cycle: the first attempt fails, the retry (0 ms, on the microtask scheduler) connects.
      const manager = new ConnectionManager<{ id: number }>({
        name: 'mysql-main',
        connect: () => {
          calls += 1;
          return calls % 2 === 1 ? Promise.reject(refused) : Promise.resolve({ id: calls });
        },
        retry: { baseDelayMs: 0, maxDelayMs: 0, jitter: 'none' },
        clock: schedulerClock(asapScheduler),
        budget: false,
        logger: silentLogger,
      });
      const statuses = new Map<string, number>();
      manager.state$.subscribe((s) => statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1));
      let events = 0;
      manager.events$.subscribe(() => (events += 1));
      // One long-lived signal shared by every call: a listener left on it would pile up.
      const controller = new AbortController();

      async function cycles(count: number): Promise<void> {
        for (let i = 0; i < count; i += 1) {
          const connection = await manager.ready({ signal: controller.signal, timeoutMs: 60_000 });
          await manager.execute((c) => c.id, { signal: controller.signal });
          manager.connectionLost(connection, refused);
        }
      }

      try {
        await cycles(1_000);
        gc();
        const before = process.memoryUsage().heapUsed;
        await cycles(10_000);
        await manager.ready();
        gc();
        const delta = process.memoryUsage().heapUsed - before;
        await new Promise((resolve) => setImmediate(resolve));

        expect(delta, `heap grew by ${delta} bytes`).to.be.below(1024 * 1024);
        expect(warnings.map((w) => w.name)).not.to.include('MaxListenersExceededWarning');
        expect(calls).to.equal(2 * 11_001);
        expect(statuses.get('retrying')).to.equal(11_001);
        expect(events).to.be.greaterThan(0);
      } finally {
        process.off('warning', onWarning);
        await manager.close();
      }
    });
  });
});
