// Mocha root hook plugin (listed in .mocharc.json "require"): fails a spec file during which a
// holdfast manager left open by an earlier file went on working (changed state): its reconnect
// loop counts in the telemetry of the files that follow and holds their ports (otlp.spec once
// counted the attempts of mysqlLibraries.spec's createConnection gates). Every manager's state
// passes `StatePublisher.set`, so this instruments that one method, in the test process only.
// A publisher a unit spec leaves inert (fake connections, fake time) is not flagged.
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import { StatePublisher } from '../../src/connection/StatePublisher.js';

/** Publishers not closed, and the file that was running when each last changed state. */
const open = new Map<StatePublisher<unknown>, string>();
/** What managers of finished files did since: one line each. */
const late: string[] = [];
let running = '(before the first file)';

type SetState = (this: StatePublisher<unknown>, next: ConnectionState<unknown>) => void;
const prototype = StatePublisher.prototype as unknown as { set: SetState };
const set = prototype.set;
prototype.set = function (next) {
  const previous = this.state.status;
  set.call(this, next);
  const from = open.get(this);
  if (next.status === 'closed') {
    open.delete(this);
    return;
  }
  if (from !== undefined && from !== running) {
    late.push(`a manager left open by ${from} went ${previous} -> ${next.status}`);
  }
  open.set(this, from ?? running);
};

function checkAfter(file: string): void {
  const lines = late.splice(0);
  if (lines.length === 0) return;
  throw new Error(
    `During ${file}: ${[...new Set(lines)].join('; ')}. Close every manager, pool and client a spec creates in its after/afterEach hooks (and let their sockets close before a proxy or server under them goes).`,
  );
}

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    const root = this.test?.parent;
    if (root === undefined) return;
    // Each file's top-level suites mark it running; the last one's final `after` hook checks.
    const lastOfFile = new Map<string, Mocha.Suite>();
    for (const suite of root.suites) {
      const file = suite.file;
      if (file === undefined) continue;
      const name = file.replace(/^.*?\/spec\//, 'spec/');
      lastOfFile.set(name, suite);
      suite.beforeAll(() => {
        running = name;
      });
      // First of the suite's `before` hooks, so that what they create belongs to this file
      // (mocha keeps a suite's hooks in `_beforeAll`, run in order).
      const hooks = (suite as unknown as { _beforeAll?: unknown[] })._beforeAll;
      if (Array.isArray(hooks) && hooks.length > 1) hooks.unshift(hooks.pop());
    }
    for (const [name, suite] of lastOfFile) {
      suite.afterAll(`no manager of an earlier file worked during ${name}`, () => {
        checkAfter(name);
      });
    }
  },
};
