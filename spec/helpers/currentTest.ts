// Mocha root hook plugin (listed in .mocharc.json "require"): remembers the test about to
// run, so that helpers can tell whether mocha has armed that test's own timeout timer yet
// (it does so only after a promise-returning test function has returned its promise).
let current: Mocha.Test | undefined;

/** The test running now (or about to run, during its beforeEach hooks). */
export function currentTest(): Mocha.Test | undefined {
  return current;
}

/**
 * True while the current test's timeout timer is not armed yet: code running synchronously
 * at the start of the test (or in its beforeEach hooks) does not see that timer, code after
 * the test's first await does.
 */
export function testTimerPending(): boolean {
  const test = current as (Mocha.Test & { timer?: unknown }) | undefined;
  return test !== undefined && test.state === undefined && test.timer === undefined;
}

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    current = this.currentTest;
  },
};
