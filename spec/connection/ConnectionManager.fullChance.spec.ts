// A call fails only after a full chance (docs/decisions/0019-a-call-fails-after-a-full-chance.md):
// a herd that arrives together sees one cycle, whatever the jitter draws; a late arrival gets
// its own attempts; an attempt begun before a call arrived never fails it.
import { expect } from 'chai';
import type { ConnectionEvent } from '../../src/connection/ConnectionEvent.js';
import type { ConnectionManagerOptions } from '../../src/connection/ConnectionManagerOptions.js';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { connectionRefused } from '../helpers/fakeErrors.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { settled } from '../helpers/settled.js';
import { useFakeManagers } from './fakeManagers.js';
import { type FakeConnection, FakeConnector, type Outcome } from './fakes.js';

type Options = Partial<ConnectionManagerOptions<FakeConnection>>;
const codeOf = (error: unknown): string | undefined =>
  isHoldfastError(error) ? error.code : undefined;

describe('ConnectionManager (a call fails after a full chance)', () => {
  const fixture = useFakeManagers();

  /** MySQL defaults (maxRetries 3; default wait limit 7000 ms), attempt start times recorded. */
  function make(script: Outcome[], options: Options = {}) {
    const connector = new FakeConnector(script);
    const starts: number[] = [];
    const events: ConnectionEvent<FakeConnection>[] = [];
    const manager = fixture.make(connector, {
      connect: (signal) => {
        starts.push(Date.now());
        return connector.connect(signal);
      },
      ...options,
    });
    manager.events$.subscribe((event) => events.push(event));
    type Restart = Extract<ConnectionEvent<FakeConnection>, { type: 'restart-scheduled' }>;
    const restarts = () => events.filter((e): e is Restart => e.type === 'restart-scheduled');
    return { manager, connector, starts, restarts };
  }

  describe('a herd that calls ready() together', () => {
    // Factors 0.5 (the cycle ends at 3.5 s, long before the 7 s limit), 1.499 (10.5 s) and mixed.
    const draws: Record<string, number[]> = {
      'all 0.5': [0],
      'all 1.499': [0.999],
      mixed: [0, 0.999, 0.3],
    };
    for (const [name, values] of Object.entries(draws)) {
      it(`sees exactly maxRetries + 1 attempts, then every caller fails (jitter ${name})`, async () => {
        const { manager, starts, restarts } = make([connectionRefused()], {
          random: seqRandom(values),
        });
        const calls = Array.from({ length: 200 }, () => settled(manager.ready()));
        await fixture.clock.tickAsync(60_000);
        expect(starts).to.have.length(4);
        expect(restarts()).to.deep.equal([]);
        expect(calls.map((c) => codeOf(c.error))).to.deep.equal(
          Array.from({ length: 200 }, () => 'ERR_HOLDFAST_RETRIES_EXHAUSTED'),
        );
        expect(fixture.clock.countTimers()).to.equal(0);
      });
    }

    it('sees one attempt with maxRetries 0: the attempt the first caller began is every caller’s', async () => {
      const { manager, starts } = make([connectionRefused()], {
        retry: { maxRetries: 0 },
        waitLimitMs: 5000,
      });
      const calls = Array.from({ length: 200 }, () => settled(manager.ready()));
      await fixture.clock.tickAsync(60_000);
      expect(starts).to.deep.equal([0]);
      expect(calls.every((c) => c.state === 'rejected')).to.equal(true);
    });

    it('restarts only for a caller whose explicit timeoutMs has not passed', async () => {
      const { manager, starts, restarts } = make([connectionRefused()], {
        random: seqRandom([0]),
      });
      const herd = Array.from({ length: 199 }, () => settled(manager.ready()));
      const patient = settled(manager.ready({ timeoutMs: 6000 }));
      await fixture.clock.tickAsync(3500); // the cycle (0, 500, 1500, 3500) gives up
      expect(herd.every((c) => c.state === 'rejected')).to.equal(true);
      expect(patient.state).to.equal('pending');
      expect(restarts().map((e) => e.waiting)).to.deep.equal([1]);
      await fixture.clock.tickAsync(2500);
      expect(codeOf(patient.error)).to.equal('ERR_HOLDFAST_ABORTED');
      await fixture.clock.tickAsync(60_000);
      expect(starts).to.deep.equal([0, 500, 1500, 3500, 4500, 5000, 6000, 8000]);
    });
  });

  describe('a call that arrives after the cycle began', () => {
    it('is not failed by that cycle: a restart gives it a cycle of its own', async () => {
      const { manager, starts, restarts } = make([connectionRefused()], {
        random: seqRandom([0]),
      });
      const early = settled(manager.ready());
      await fixture.clock.tickAsync(100); // attempt 1 has failed; retry 1 is due at 500
      const late = settled(manager.ready());
      await fixture.clock.tickAsync(3400); // t = 3500: the cycle gives up
      expect(codeOf(early.error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(late.state).to.equal('pending');
      expect(restarts()).to.have.length(1);
      await fixture.clock.tickAsync(4499); // t = 7999: its limit (7100) has passed mid-cycle
      expect(late.state).to.equal('pending');
      await fixture.clock.tickAsync(1); // t = 8000: the cycle it saw from its start gives up
      expect(codeOf(late.error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      await fixture.clock.tickAsync(60_000);
      expect(starts).to.deep.equal([0, 500, 1500, 3500, 4500, 5000, 6000, 8000]);
    });
  });

  describe('a call that arrives during a hanging attempt', () => {
    it('is not failed by that attempt, though its wait limit passed while it hung', async () => {
      // Attempt 2 hangs until the connect timeout (1000 ms); attempt 3 connects.
      const { manager, starts } = make([connectionRefused(), 'hang', 'ok'], {
        waitLimitMs: 300,
        connectTimeoutMs: 1000,
      });
      const early = settled(manager.ready());
      await fixture.clock.tickAsync(1100); // attempt 2 began at 1000 and hangs
      const late = settled(manager.ready());
      await fixture.clock.tickAsync(900); // t = 2000: it times out; the late call's limit was 1400
      expect(codeOf(early.error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(late.state).to.equal('pending');
      await fixture.clock.tickAsync(2000); // t = 4000: attempt 3, begun after it arrived, connects
      expect(late.state).to.equal('resolved');
      expect(starts).to.deep.equal([0, 1000, 4000]);
    });

    it('counts an attempt begun in an earlier turn as not its own, even the first of a cycle', async () => {
      const { manager, starts, restarts } = make(['hang', connectionRefused()], {
        connectTimeoutMs: 1000,
        retry: { maxRetries: 0 },
        waitLimitMs: 5000, // the nominal schedule of maxRetries 0 is 0: fail with the cycle
      });
      const first = settled(manager.ready());
      await fixture.clock.tickAsync(10);
      const second = settled(manager.ready());
      await fixture.clock.tickAsync(990); // t = 1000: the only attempt of the cycle times out
      expect(codeOf(first.error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(second.state).to.equal('pending');
      expect(restarts()).to.have.length(1);
      await fixture.clock.tickAsync(1000); // t = 2000: the restarted cycle's attempt fails
      expect(codeOf(second.error)).to.equal('ERR_HOLDFAST_RETRIES_EXHAUSTED');
      expect(starts).to.deep.equal([0, 2000]);
    });
  });
});
