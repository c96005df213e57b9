import type { PoolConnection } from 'mysql2';
import { isUnsent, markUnsent } from '../classify/unsent.js';
import { isHoldfastError } from '../errors/HoldfastError.js';
import { adviseOnAccessDenied } from './adviseOnAccessDenied.js';
import type { CheckoutCallback, PoolRuntime } from './PoolRuntime.js';

/**
 * The pool's `getConnection(callback)`: mysql2's own checkout behind the manager's gate.
 * - Connected (the hot path): straight to mysql2, whose free list and queue are the only ones.
 * - Otherwise, and after a connect that failed for a retryable reason: the checkout waits for
 *   the manager's one reconnect loop (single flight, backoff, budget, breaker), then asks mysql2
 *   again. A fatal connect error (access denied) fails at once, with advice.
 * - A connection that sat idle longer than `idleValidationMs` is pinged first; one that does not
 *   answer is destroyed (never handed out) and another is taken.
 * - The whole wait, mysql2's queue included, is bounded by `checkoutTimeoutMs`.
 * Every error it gives is marked as unsent: nothing reached the server.
 */
export function gateCheckout(runtime: PoolRuntime): (callback: CheckoutCallback) => void {
  // mysql2 emits 'enqueue' synchronously inside getConnection when it queues the callback.
  let queued = false;
  runtime.pool.on('enqueue', () => {
    queued = true;
  });
  // Read through a call: the flag changes inside mysql2's synchronous getConnection.
  const wasQueued = (): boolean => queued;
  const take = (callback: CheckoutCallback, started: number): void => {
    if (runtime.manager.state.status === 'closed') {
      fail(runtime, callback, runtime.closedError());
      return;
    }
    if (runtime.growthCapped()) {
      waitForRelease(callback, started);
      return;
    }
    const checkout: Checkout = { done: undefined, timer: undefined, settled: false };
    // Set as a property, not a named closure: under tsx (esbuild keepNames) naming a closure costs
    // a defineProperty on every checkout.
    checkout.done = (error, connection) => {
      finish(checkout, callback, started, error, connection);
    };
    queued = false;
    runtime.baseCheckout(checkout.done);
    // (mysql2 queues a callback or calls it, never both.)
    if (wasQueued()) {
      // Every connection is checked out: mysql2 queued the callback. Its wait is bounded here,
      // and mysql2 may hand it to getConnection again (see below): it must pass the gate then.
      runtime.ungated.add(checkout.done);
      runtime.connections.pending += 1;
      const { clock, checkoutTimeoutMs } = runtime.config;
      checkout.timer = clock.setTimeout(
        () => {
          checkout.timer = undefined;
          runtime.connections.pending -= 1;
          checkout.settled = true;
          runtime.poolMetrics?.recordTimeout();
          fail(runtime, callback, runtime.checkoutError('pool-exhausted', started));
        },
        Math.max(1, checkoutTimeoutMs - (clock.now() - started)),
      );
    }
  };

  const finish = (
    checkout: Checkout,
    callback: CheckoutCallback,
    started: number,
    error: NodeJS.ErrnoException | null,
    connection: PoolConnection,
  ): void => {
    const { clock, idleValidationMs } = runtime.config;
    if (checkout.done !== undefined) runtime.ungated.delete(checkout.done);
    if (checkout.timer !== undefined) {
      clock.clearTimeout(checkout.timer);
      runtime.connections.pending -= 1;
    }
    if (checkout.settled) {
      if (!error) connection.release();
      return;
    }
    checkout.settled = true;
    if (runtime.manager.state.status === 'closed') {
      // The pool closed while mysql2 had the checkout queued.
      if (!error) connection.release();
      fail(runtime, callback, runtime.closedError());
      return;
    }
    if (error) {
      connectFailed(callback, started, error);
      return;
    }
    const now = clock.now();
    if (
      !runtime.fresh.delete(connection) &&
      runtime.connections.idleFor(connection, now) > idleValidationMs
    ) {
      validate(callback, started, connection);
    } else handOut(runtime, callback, connection, started, now);
  };

  const connectFailed = (
    callback: CheckoutCallback,
    started: number,
    error: NodeJS.ErrnoException,
  ): void => {
    const verdict = runtime.config.classifier.classify(error, { attempt: 1, scope: 'connect' });
    if (verdict.kind === 'fatal') {
      fail(
        runtime,
        callback,
        runtime.manager.state.status === 'closed'
          ? runtime.closedError()
          : adviseOnAccessDenied(error),
      );
      return;
    }
    runtime.counters.checkoutRetries += 1;
    if (verdict.kind === 'throttled' && runtime.connections.size > 0) {
      // The server refuses more connections (1040) but the pool has some: for a while the
      // pool grows no further, and checkouts wait for one of its connections (ADR 0015).
      runtime.capGrowth();
      waitForRelease(callback, started);
      return;
    }
    runtime.targetLost(error);
    wait(callback, started);
  };

  const validate = (
    callback: CheckoutCallback,
    started: number,
    connection: PoolConnection,
  ): void => {
    const { clock, checkoutTimeoutMs } = runtime.config;
    let answered = false;
    const evict = (): void => {
      runtime.counters.evictions += 1;
      connection.destroy();
      take(callback, started);
    };
    const pingTimer = clock.setTimeout(
      () => {
        answered = true;
        evict();
      },
      Math.max(1, checkoutTimeoutMs - (clock.now() - started)),
    );
    connection.ping((error) => {
      if (answered) return;
      answered = true;
      clock.clearTimeout(pingTimer);
      if (error) evict();
      else handOut(runtime, callback, connection, started, clock.now());
    });
  };

  const waitForRelease = (callback: CheckoutCallback, started: number): void => {
    const { clock, checkoutTimeoutMs } = runtime.config;
    let done = false;
    runtime.connections.pending += 1;
    const timer = clock.setTimeout(
      () => {
        done = true;
        runtime.connections.pending -= 1;
        fail(runtime, callback, runtime.checkoutError('pool-exhausted', started));
      },
      Math.max(1, checkoutTimeoutMs - (clock.now() - started)),
    );
    runtime.whenReleased(() => {
      if (done) return;
      clock.clearTimeout(timer);
      runtime.connections.pending -= 1;
      take(callback, started);
    });
  };

  const wait = (callback: CheckoutCallback, started: number): void => {
    const { clock, checkoutTimeoutMs } = runtime.config;
    const remaining = checkoutTimeoutMs - (clock.now() - started);
    if (remaining <= 0) {
      fail(runtime, callback, runtime.checkoutError('server-unreachable', started));
      return;
    }
    runtime.connections.pending += 1;
    runtime.manager.ready({ timeoutMs: remaining }).then(
      () => {
        runtime.connections.pending -= 1;
        take(callback, started);
      },
      (error: unknown) => {
        runtime.connections.pending -= 1;
        // The loop gave up on a fatal error (a wrong password): the caller gets that error,
        // not the wait's own timeout, even when both end the wait together.
        const state = runtime.manager.state;
        const fatal =
          state.status === 'failed' &&
          !(isHoldfastError(state.error) && state.error.code === 'ERR_HOLDFAST_RETRIES_EXHAUSTED');
        const timedOut = isHoldfastError(error) && error.code === 'ERR_HOLDFAST_ABORTED';
        fail(
          runtime,
          callback,
          fatal
            ? state.error
            : timedOut
              ? runtime.checkoutError('server-unreachable', started)
              : error,
        );
      },
    );
  };

  return (callback) => {
    if (runtime.ungated.has(callback)) {
      // mysql2 calls getConnection again for a queued callback when a connection it was
      // opening failed: while the target is down that must not become one more connect attempt
      // per queued caller. It waits for the loop (the probe's own callback never does).
      const status = runtime.manager.state.status;
      if (status === 'connected' || runtime.probes.has(callback)) runtime.baseCheckout(callback);
      else {
        runtime.manager.ready().then(
          () => {
            runtime.baseCheckout(callback);
          },
          (error: unknown) => {
            callback(
              markUnsent(error) as NodeJS.ErrnoException,
              undefined as unknown as PoolConnection,
            );
          },
        );
      }
      return;
    }
    const started = runtime.config.clock.now();
    const status = runtime.manager.state.status;
    if (status === 'connected') take(callback, started);
    else if (status === 'closed') fail(runtime, callback, runtime.closedError());
    else wait(callback, started);
  };
}

/** One checkout passed to mysql2: its callback, and the wait timer while mysql2 queues it. */
interface Checkout {
  done: CheckoutCallback | undefined;
  timer: unknown;
  settled: boolean;
}

function handOut(
  runtime: PoolRuntime,
  callback: CheckoutCallback,
  connection: PoolConnection,
  started: number,
  now: number,
): void {
  const waited = now - started;
  const { counters } = runtime;
  counters.checkouts += 1;
  counters.checkoutWaitMsTotal += waited;
  if (waited > counters.checkoutWaitMsMax) counters.checkoutWaitMsMax = waited;
  runtime.poolMetrics?.recordWaitTime(waited);
  runtime.connections.lent(connection, now);
  callback(null, connection);
}

/** Calls back on the next tick: never from inside a promise handler or mysql2's own call. */
function fail(runtime: PoolRuntime, callback: CheckoutCallback, error: unknown): void {
  runtime.counters.checkoutFailures += 1;
  const marked = isUnsent(error) ? error : markUnsent(error);
  process.nextTick(callback, marked, undefined);
}
