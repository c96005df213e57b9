// Mocha root hook plugin (listed in .mocharc.json "require"): fails a spec file that leaves a
// holdfast manager open (not `closed`): its reconnect loop would go on into the files that
// follow, count in their telemetry and hold their sockets (otlp.spec once counted the attempts
// of mysqlLibraries.spec's createConnection gates). Every manager's state passes `StatePublisher.set`, so this instruments that
// one method, in the test process only, and checks after each file's own `after` hooks.
import { StatePublisher } from '../../src/connection/StatePublisher.js';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';

const open = new Set<StatePublisher<unknown>>();

type SetState = (this: StatePublisher<unknown>, next: ConnectionState<unknown>) => void;
const prototype = StatePublisher.prototype as unknown as { set: SetState };
const set = prototype.set;
prototype.set = function (next) {
  set.call(this, next);
  if (next.status === 'closed') open.delete(this);
  else open.add(this);
};

const grace = { ms: 2000, pollMs: 10 };

/** After a file: managers still open (given a moment for closes that settle late) are leaks. */
async function checkAfter(file: string): Promise<void> {
  const started = Date.now();
  while (open.size > 0 && Date.now() - started < grace.ms) {
    await new Promise((resolve) => setTimeout(resolve, grace.pollMs));
  }
  if (open.size === 0) return;
  const statuses = [...open].map((publisher) => publisher.state.status);
  open.clear();
  throw new Error(
    `${file} left ${statuses.length} holdfast manager(s) open (${statuses.join(', ')}): close every manager, pool and client a spec creates in its after/afterEach hooks, and let their sockets close before a proxy or server under them goes.`,
  );
}

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    const root = this.test?.parent;
    if (root === undefined) return;
    // The last top-level suite of each file gets a final `after` hook, run after its own.
    const lastOfFile = new Map<string, Mocha.Suite>();
    for (const suite of root.suites) {
      if (suite.file !== undefined) lastOfFile.set(suite.file, suite);
    }
    for (const [file, suite] of lastOfFile) {
      const name = file.replace(/^.*?\/spec\//, 'spec/');
      suite.afterAll(`holdfast managers of ${name} are closed`, async function () {
        this.timeout(grace.ms + 5000);
        await checkAfter(name);
      });
    }
  },
};
