// One table of retry scenarios run through every holdfast loop: the promise loop
// (RetryHandler.execute), the RxJS operator (retryWithBackoff), the reconnect loop
// (ConnectionManager.ready) and ConnectionManager.execute. They all ask the one RetryDecider,
// so each scenario must give the same attempts, the same waits, the same error and the same
// message (opened by each loop's own subject). Fake time only.
import { expect } from 'chai';
import { defer, firstValueFrom } from 'rxjs';
import sinon from 'sinon';
import { fatal, throttled, transient } from '../../src/classify/Classification.js';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { ConnectionManager } from '../../src/connection/ConnectionManager.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import type { CircuitBreakerHook, RetryBudgetHook } from '../../src/retry/hooks.js';
import { RetryHandler } from '../../src/retry/RetryHandler.js';
import type { RetryOptions } from '../../src/retry/RetryOptions.js';
import { retryWithBackoff } from '../../src/retry/retryWithBackoff.js';
import { silentLogger } from '../../src/telemetry/Logger.js';
import { codeError } from '../helpers/fakeErrors.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';

/** What one run of a loop is given. */
interface Setup {
  /** The attempt: the connect of the reconnect loop, the operation of the others. */
  readonly fn: () => Promise<string>;
  readonly policy: RetryOptions;
  readonly classifier: ErrorClassifier;
  readonly budget: RetryBudgetHook | undefined;
  readonly breaker: CircuitBreakerHook;
  readonly signal: AbortSignal;
}

interface Loop {
  readonly name: string;
  /** How the loop names what it retries: it opens every stop message. */
  readonly subject: string;
  run(setup: Setup, managers: ConnectionManager<string>[]): Promise<unknown>;
}

const loops: readonly Loop[] = [
  {
    name: 'RetryHandler.execute',
    subject: 'fetch',
    run: (s) =>
      new RetryHandler({
        ...s.policy,
        name: 'mysql-main',
        classifier: s.classifier,
        random: seqRandom([0, 0.5]),
        circuitBreaker: s.breaker,
        ...(s.budget && { budget: s.budget }),
      }).execute(() => s.fn(), 'fetch', { signal: s.signal }),
  },
  {
    name: 'retryWithBackoff operator',
    subject: 'fetch',
    run: (s) =>
      firstValueFrom(
        // The source asks the breaker before each attempt, as the reconnect loop's attempt does.
        defer(() => {
          s.breaker.acquire();
          return s.fn();
        }).pipe(
          retryWithBackoff(s.policy, s.classifier, {
            random: seqRandom([0, 0.5]),
            target: 'mysql-main',
            description: 'fetch',
            scope: 'execute',
            signal: s.signal,
            ...(s.budget && { budget: s.budget }),
          }),
        ),
      ),
  },
  {
    name: "ConnectionManager.ready's connect loop",
    subject: 'Connecting to mysql-main',
    run: (s, managers) => managed(s, managers, () => s.fn()).ready({ signal: s.signal }),
  },
  {
    name: 'ConnectionManager.execute',
    subject: 'fetch on mysql-main',
    run: async (s, managers) => {
      const manager = managed(s, managers, () => Promise.resolve('connection'));
      await manager.ready();
      return manager.execute(() => s.fn(), {
        description: 'fetch',
        idempotent: true,
        signal: s.signal,
      });
    },
  },
];

/** A manager over `connect` with the setup's policy, classifier, breaker and budget. */
function managed(
  s: Setup,
  managers: ConnectionManager<string>[],
  connect: () => Promise<string>,
): ConnectionManager<string> {
  const manager = new ConnectionManager<string>({
    name: 'mysql-main',
    connect,
    retry: s.policy,
    classifier: s.classifier,
    random: seqRandom([0, 0.5]),
    circuitBreaker: s.breaker,
    budget: s.budget ?? false,
    logger: silentLogger,
  });
  managers.push(manager);
  return manager;
}

// Codes no built-in table knows: the scenarios' classifier decides them, the same for every loop.
const classifier = new ErrorClassifier({
  rules: [
    (error) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'E_FLAKY') return transient('flaky', false);
      if (code === 'E_BUSY') return throttled('busy');
      if (code === 'E_BAD') return fatal('bad');
      return undefined;
    },
  ],
});
const flaky = (): Error => codeError('E_FLAKY', undefined, 'flaky');
const tail = 'flaky. Raise maxRetries or maxElapsedMs if the service needs longer to recover.';

interface Scenario {
  readonly name: string;
  /** What attempt n (1, 2, ...) does: resolve with `ok` or reject with the error. */
  readonly attempt: (n: number) => 'ok' | Error;
  readonly policy?: RetryOptions;
  readonly budget?: RetryBudgetHook;
  /** The breaker opens when an attempt fails. */
  readonly breakerOpensOnFailure?: boolean;
  /** A breaker whose ticket throws on every report (a broken hook). */
  readonly brokenTicket?: boolean;
  readonly abortAtMs?: number;
  readonly expected: {
    readonly attempts: number;
    /** The waits between attempts, ms. */
    readonly delays: readonly number[];
    /** When the breaker refused the next attempt (after the first wait), ms. */
    readonly refusedAtMs?: number;
    readonly value?: string;
    readonly error?: Record<string, unknown>;
    /** The error's message, after the loop's subject (`undefined`: not opened by the subject). */
    readonly message?: (subject: string) => string;
  };
}

// Policy: 2 retries, 100 ms base, x2; jitter factors 0.5 then 1.0 (seqRandom([0, 0.5])).
const policy: RetryOptions = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 10_000 };

const scenarios: readonly Scenario[] = [
  {
    name: 'fatal: the error as it is, after one attempt',
    attempt: () => codeError('E_BAD', undefined, 'bad'),
    expected: { attempts: 1, delays: [], error: { code: 'E_BAD', message: 'bad' } },
  },
  {
    name: 'exhausted: RetriesExhaustedError after maxRetries retries',
    attempt: flaky,
    expected: {
      attempts: 3,
      delays: [50, 200],
      error: {
        name: 'RetriesExhaustedError',
        code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED',
        reason: 'retries',
        attempts: 3,
        target: 'mysql-main',
      },
      message: (subject) => `${subject} failed after 2 retries: ${tail}`,
    },
  },
  {
    name: 'success on a later attempt',
    attempt: (n) => (n < 3 ? flaky() : 'ok'),
    expected: { attempts: 3, delays: [50, 200], value: 'ok' },
  },
  {
    name: 'budget refusal: RetriesExhaustedError after the first attempt',
    attempt: flaky,
    budget: { tryRetry: () => false, recordSuccess: () => undefined },
    expected: {
      attempts: 1,
      delays: [],
      error: { code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED', reason: 'budget', attempts: 1 },
      message: (subject) => `${subject} failed after 1 attempt: the retry budget is spent: ${tail}`,
    },
  },
  {
    name: 'open breaker: its CircuitOpenError as it is, no further attempt',
    attempt: flaky,
    breakerOpensOnFailure: true,
    expected: {
      attempts: 1,
      delays: [],
      refusedAtMs: 50,
      error: { name: 'CircuitOpenError', code: 'ERR_HOLDFAST_CIRCUIT_OPEN' },
    },
  },
  {
    name: 'deadline: no wait starts that would end after maxElapsedMs',
    attempt: flaky,
    policy: { ...policy, maxElapsedMs: 240 },
    expected: {
      attempts: 2,
      delays: [50],
      error: { code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED', reason: 'deadline', attempts: 2 },
      message: (subject) => `${subject} failed within maxElapsedMs (240) after 2 attempts: ${tail}`,
    },
  },
  {
    name: 'abort during a wait: AbortedError at once',
    attempt: flaky,
    abortAtMs: 20,
    expected: {
      attempts: 1,
      delays: [],
      error: {
        name: 'AbortedError',
        code: 'ERR_HOLDFAST_ABORTED',
        message: 'The operation was aborted by its AbortSignal; nothing further was attempted.',
      },
    },
  },
  {
    name: 'throttled: the wait times throttledDelayFactor',
    attempt: (n) => (n === 1 ? codeError('E_BUSY', undefined, 'busy') : 'ok'),
    expected: { attempts: 2, delays: [100], value: 'ok' },
  },
  {
    name: 'throwing hooks: reported, the loop goes on as without them',
    attempt: flaky,
    budget: {
      tryRetry: () => {
        throw new Error('budget bug');
      },
      recordSuccess: () => undefined,
    },
    brokenTicket: true,
    expected: {
      attempts: 3,
      delays: [50, 200],
      error: { code: 'ERR_HOLDFAST_RETRIES_EXHAUSTED', reason: 'retries', attempts: 3 },
      message: (subject) => `${subject} failed after 2 retries: ${tail}`,
    },
  },
];

describe('RetryDecider through every loop', () => {
  let clock: sinon.SinonFakeTimers;
  let managers: ConnectionManager<string>[];
  beforeEach(() => {
    clock = sinon.useFakeTimers();
    managers = [];
  });
  afterEach(async () => {
    await Promise.all(managers.map((manager) => manager.close()));
    clock.restore();
  });

  for (const scenario of scenarios) {
    describe(scenario.name, () => {
      for (const loop of loops) {
        it(`gives the same decisions in ${loop.name}`, async () => {
          const { attempts, delays, refusedAt, outcome } = await play(
            loop,
            scenario,
            managers,
            clock,
          );
          const { expected } = scenario;
          expect(attempts, 'attempts when the loop settled').to.equal(expected.attempts);
          expect(refusedAt, 'breaker refusal').to.equal(expected.refusedAtMs);
          expect(delays, 'waits between attempts').to.deep.equal(expected.delays);
          if (expected.value !== undefined) {
            expect(outcome.state).to.equal('resolved');
            expect(outcome.value).to.equal(expected.value);
            return;
          }
          expect(outcome.state).to.equal('rejected');
          expect(outcome.error).to.include(expected.error);
          if (expected.message !== undefined) {
            expect((outcome.error as Error).message).to.equal(expected.message(loop.subject));
          }
        });
      }
    });
  }
});

async function play(
  loop: Loop,
  scenario: Scenario,
  managers: ConnectionManager<string>[],
  clock: sinon.SinonFakeTimers,
) {
  const times: number[] = [];
  let open = false;
  let refusedAt: number | undefined;
  const breaker: CircuitBreakerHook = {
    acquire: () => {
      if (open) refusedAt ??= Date.now() - start;
      if (open) throw new CircuitOpenError('The circuit is open.', { retryAfterMs: 1000 });
      const broken = (): void => {
        if (scenario.brokenTicket === true) throw new Error('breaker bug');
      };
      return { success: broken, failure: broken };
    },
  };
  const controller = new AbortController();
  const start = Date.now();
  const fn = (): Promise<string> => {
    times.push(Date.now() - start);
    const result = scenario.attempt(times.length);
    if (result === 'ok') return Promise.resolve('ok');
    if (scenario.breakerOpensOnFailure === true) open = true;
    return Promise.reject(result);
  };
  if (scenario.abortAtMs !== undefined) {
    const at = scenario.abortAtMs;
    setTimeout(() => {
      controller.abort();
    }, at);
  }
  let whenSettled: number[] = [];
  const outcome = settled(
    loop
      .run(
        {
          fn,
          policy: scenario.policy ?? policy,
          classifier,
          budget: scenario.budget,
          breaker,
          signal: controller.signal,
        },
        managers,
      )
      .finally(() => {
        whenSettled = [...times];
      }),
  );
  await clock.tickAsync(60_000);
  return {
    attempts: whenSettled.length,
    refusedAt,
    delays: whenSettled.slice(1).map((time, i) => time - (whenSettled[i] ?? 0)),
    outcome,
  };
}
