// Recovery after an outage: a private Redis killed for 3 s and a private MariaDB killed for 4 s
// under a light load. From the moment the server answers again (a raw PING / greeting polled
// every 10 ms) to each client's first successful operation, beside the client's next scheduled
// attempt at that moment. Quick runs use a FaultProxy `down` in front of the shared servers.
import {
  type CaseReport,
  type TargetCheck,
  formatNumber,
  median,
  pause,
  table,
} from '../harness.js';
import {
  type Outage,
  type Protocol,
  pollUntilReady,
  privateServerOutage,
  proxyOutage,
} from '../support/outages.js';
import {
  type Operation,
  type Subject,
  holdfastMysql,
  holdfastRedis,
  rawMysql,
  rawRedis,
} from '../support/recoverySubjects.js';

const loadIntervalMs = 20;
/** holdfast's first success after the server is ready (median of the rounds), DESIGN.md. */
const firstSuccessTargetMs = 100;

interface Measured {
  /** Server ready -> the client's next scheduled attempt (0 when one was under way). */
  readonly toNextAttemptMs: number;
  /** Server ready -> first successful operation. */
  readonly toFirstSuccessMs: number;
  /** First success minus next scheduled attempt: the client's own delay. */
  readonly marginMs: number;
  /** The winning attempt: from its start to connected (NaN when operations are attempts). */
  readonly connectMs: number;
  /** From connected to the first successful operation. */
  readonly afterConnectMs: number;
  /** Operations that failed during the outage. */
  readonly failedOps: number;
  /** Operations waiting when the connection came back (all released at once). */
  readonly waitingAtReconnect: number;
}

const none: Omit<Measured, 'failedOps' | 'waitingAtReconnect'> = {
  toNextAttemptMs: NaN,
  toFirstSuccessMs: NaN,
  marginMs: NaN,
  connectMs: NaN,
  afterConnectMs: NaN,
};

interface Scenario {
  readonly protocol: Protocol;
  readonly label: string;
  readonly downMs: number;
  /** @default 3 (1 in quick runs) */
  readonly rounds?: number;
  /**
   * Longer than a call's wait limit (7 s for MySQL): calls then fail on their own clock, and
   * only the first success after the server is ready is a target.
   */
  readonly outlastsCalls?: boolean;
  readonly subjects: readonly ((outage: Outage) => Subject)[];
}

/** Runs one outage with every subject under load; measures each subject's recovery. */
async function oneOutage(
  outage: Outage,
  subjects: readonly Subject[],
  downMs: number,
): Promise<Measured[]> {
  const logs = subjects.map(() => [] as Operation[]);
  const pending = new Set<Promise<unknown>>();
  const issue = (): void => {
    subjects.forEach((subject, i) => {
      const op: Operation = {
        issuedAt: performance.now(),
        succeededAt: undefined,
        settledAt: undefined,
        failed: false,
      };
      logs[i]?.push(op);
      const running = subject.op().then(
        () => {
          op.succeededAt = performance.now();
          op.settledAt = op.succeededAt;
        },
        () => {
          op.failed = true;
          op.settledAt = performance.now();
        },
      );
      pending.add(running);
      void running.finally(() => pending.delete(running));
    });
  };
  const load = setInterval(issue, loadIntervalMs);
  try {
    await pause(300);
    await outage.down();
    const downAt = performance.now();
    await pause(downMs);
    const upAt = performance.now();
    const restarted = outage.up();
    const readyAt = await pollUntilReady(outage.protocol, outage.host, outage.port);
    await restarted;
    // Wait until every subject has succeeded once after the restart (bounded by the backoff).
    const deadline = readyAt + 40_000;
    const recovered = (log: Operation[]): boolean =>
      log.some((op) => op.succeededAt !== undefined && op.succeededAt > upAt);
    while (!logs.every(recovered) && performance.now() < deadline) await pause(10);
    await pause(200);
    clearInterval(load);
    await Promise.allSettled([...pending]);
    return subjects.map((subject, i) => {
      const log = logs[i] ?? [];
      const first = log
        .filter((op) => op.succeededAt !== undefined && op.succeededAt > upAt)
        .sort((a, b) => (a.succeededAt ?? 0) - (b.succeededAt ?? 0))[0];
      const failedOps = log.filter((op) => op.failed && op.issuedAt >= downAt - 50).length;
      if (first?.succeededAt === undefined) return { ...none, failedOps, waitingAtReconnect: NaN };
      const successAt = first.succeededAt;
      // The attempt that connected: the last one begun before the first success.
      const winner = subject.attemptsAreOperations
        ? undefined
        : subject.attempts.filter((a) => a.startedAt <= successAt).at(-1);
      const scheduledAt = subject.attemptsAreOperations
        ? first.issuedAt
        : (winner?.scheduledAt ?? NaN);
      const nextAttemptAt = Math.max(readyAt, scheduledAt);
      const connectedAt = winner?.connectedAt ?? NaN;
      const waitingAtReconnect = log.filter(
        (op) => op.issuedAt < connectedAt && (op.settledAt ?? Infinity) >= connectedAt,
      ).length;
      return {
        toNextAttemptMs: nextAttemptAt - readyAt,
        toFirstSuccessMs: successAt - readyAt,
        marginMs: successAt - nextAttemptAt,
        connectMs: connectedAt - Math.max(readyAt, winner?.startedAt ?? NaN),
        afterConnectMs: successAt - connectedAt,
        failedOps,
        waitingAtReconnect,
      };
    });
  } finally {
    clearInterval(load);
  }
}

async function runScenario(
  scenario: Scenario,
  quick: boolean,
  rounds: number,
): Promise<{ outage: Outage; subjects: Subject[]; samples: Measured[][] }> {
  const outage = quick
    ? await proxyOutage(scenario.protocol)
    : await privateServerOutage(scenario.protocol);
  const subjects = scenario.subjects.map((make) => make(outage));
  const samples = subjects.map(() => [] as Measured[]);
  try {
    for (const subject of subjects) await subject.ready();
    for (let round = 0; round < rounds; round++) {
      const measured = await oneOutage(outage, subjects, scenario.downMs);
      measured.forEach((m, i) => samples[i]?.push(m));
    }
  } finally {
    for (const subject of subjects) await subject.close().catch(() => undefined);
    await outage.close();
  }
  return { outage, subjects, samples };
}

const fmt = (ms: number): string => (Number.isNaN(ms) ? '—' : formatNumber(ms));

export async function recovery(quick: boolean): Promise<CaseReport> {
  const scenarios: Scenario[] = [
    {
      protocol: 'redis',
      label: 'Redis',
      downMs: quick ? 300 : 3000,
      subjects: [holdfastRedis, rawRedis],
    },
    {
      protocol: 'mysql',
      label: 'MySQL',
      downMs: quick ? 300 : 4000,
      subjects: [holdfastMysql, rawMysql],
    },
    // A database restart that outlasts the backoff: the wait would have grown to maxDelayMs.
    ...(quick
      ? []
      : [
          {
            protocol: 'mysql',
            label: 'MySQL',
            downMs: 60_000,
            rounds: 1,
            outlastsCalls: true,
            subjects: [holdfastMysql, rawMysql],
          } satisfies Scenario,
        ]),
  ];
  const rows: string[][] = [];
  const roundsOf = (scenario: Scenario): number => (quick ? 1 : (scenario.rounds ?? 3));
  const targets: TargetCheck[] = [];
  const hows: string[] = [];
  for (const scenario of scenarios) {
    const rounds = roundsOf(scenario);
    const { outage, subjects, samples } = await runScenario(scenario, quick, rounds);
    hows.push(`${scenario.label}: ${outage.how}, down ${scenario.downMs / 1000} s`);
    subjects.forEach((subject, i) => {
      const s = samples[i] ?? [];
      rows.push([
        `${scenario.label} ${formatNumber(scenario.downMs / 1000, 1)} s`,
        subject.name,
        fmt(median(s.map((m) => m.toNextAttemptMs))),
        fmt(median(s.map((m) => m.toFirstSuccessMs))),
        fmt(median(s.map((m) => m.marginMs))),
        `${fmt(median(s.map((m) => m.connectMs)))} + ${fmt(median(s.map((m) => m.afterConnectMs)))}`,
        s.map((m) => `${fmt(m.toFirstSuccessMs)}/${fmt(m.toNextAttemptMs)}`).join(' '),
        formatNumber(median(s.map((m) => m.failedOps))),
        fmt(median(s.map((m) => m.waitingAtReconnect))),
      ]);
      if (subject.holdfast) {
        const firsts = s.map((m) =>
          Number.isNaN(m.toFirstSuccessMs) ? Infinity : m.toFirstSuccessMs,
        );
        const failed = s.map((m) => m.failedOps);
        const typical = median(firsts);
        targets.push({
          target: `${scenario.label} ${formatNumber(scenario.downMs / 1000, 1)} s outage (default policy): holdfast ${scenario.outlastsCalls === true ? 'succeeds' : 'fails no call and succeeds'} within ${firstSuccessTargetMs} ms of the server being ready (median of ${rounds} round(s))`,
          measured: `first success ${firsts.map(fmt).join(', ')} ms after ready (median ${fmt(typical)}); failed calls ${failed.join(', ')}`,
          met:
            typical <= firstSuccessTargetMs &&
            (scenario.outlastsCalls === true || failed.every((n) => n === 0)),
        });
      }
    });
  }
  const markdown = table(
    [
      'outage',
      'client',
      'ready -> next scheduled attempt (ms, median)',
      'ready -> first success (ms, median)',
      'first success - next attempt (ms, median)',
      'of which: connect attempt + connected -> first success (ms, median)',
      'per round: success/next attempt (ms)',
      'ops failed during outage (median)',
      'ops waiting when it reconnected (median)',
    ],
    rows,
  );
  return {
    id: 'recovery',
    title: 'Recovery after an outage',
    description: `${hows.join('; ')}. Load: one GET / \`SELECT 1\` per client every ${loadIntervalMs} ms. "ready" is the first raw PING reply / MySQL greeting, polled every 10 ms from the restart. The next scheduled attempt is the reconnect timer due at that moment (for holdfast, read from \`state$\`: a \`retrying\` state's \`delayMs\`, or a new cycle started by a waiting call; a probe that finds the port open ends that wait early, so holdfast's first success can come before it; for ioredis its \`reconnecting\` delay; for a raw mysql2 pool the next query). ${scenarios.map((sc) => `${sc.label} ${formatNumber(sc.downMs / 1000, 1)} s: ${roundsOf(sc)} round(s)`).join(', ')}; medians.`,
    markdown,
    rows: rows.length,
    targets,
  };
}
