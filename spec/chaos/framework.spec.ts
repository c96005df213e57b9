// The chaos suite's own tools: each invariant helper fails when its invariant is broken.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { BehaviorSubject } from 'rxjs';
import type { ConnectionState } from '../../src/connection/ConnectionState.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import {
  assertEndsConnected,
  assertHandlesReleased,
  assertNoSecret,
  assertTransitionsAllowed,
  capturingLogger,
  errorText,
  recordStates,
  resourceSnapshot,
  watchUnhandledRejections,
} from './invariants.js';
import { readScenarioRecords, recordScenario } from './recordScenario.js';
import { runLoad } from './runLoad.js';
import { WriteLedger } from './WriteLedger.js';

describe('chaos framework', () => {
  describe('assertTransitionsAllowed', () => {
    it('accepts a reconnect cycle and rejects a jump the table does not list', () => {
      assertTransitionsAllowed([
        'idle',
        'connecting',
        'connected',
        'connecting',
        'retrying',
        'connecting',
        'connected',
        'closed',
      ]);
      expect(() => {
        assertTransitionsAllowed(['idle', 'connected']);
      }).to.throw(/idle -> connected/);
      expect(() => {
        assertTransitionsAllowed(['connected', 'retrying']);
      }).to.throw(/connected -> retrying/);
    });
  });

  describe('assertEndsConnected', () => {
    it('looks at the last status before closed', () => {
      assertEndsConnected(['connecting', 'connected', 'closed']);
      expect(() => {
        assertEndsConnected(['connecting', 'retrying', 'closed']);
      }).to.throw();
    });
  });

  describe('recordStates', () => {
    it('records the replayed current state and every change', () => {
      const subject = new BehaviorSubject<ConnectionState<string>>({ status: 'idle' });
      const recorder = recordStates(subject);
      subject.next({ status: 'connecting', attempt: 1 });
      subject.next({ status: 'connected', connection: 'c', attempt: 1 });
      recorder.stop();
      subject.next({ status: 'closed' });
      expect(recorder.statuses).to.deep.equal(['idle', 'connecting', 'connected']);
    });
  });

  describe('WriteLedger', () => {
    const ledgerOf = (outcomes: Record<string, 'ok' | 'unknown' | 'fail'>) => {
      const ledger = new WriteLedger();
      for (const [id, o] of Object.entries(outcomes)) {
        if (o === 'ok') ledger.settle(id, { ok: true });
        else if (o === 'unknown')
          ledger.settle(id, {
            ok: false,
            error: new OutcomeUnknownError('?', { cause: new Error('x'), operation: 'w' }),
          });
        else
          ledger.settle(id, {
            ok: false,
            error: Object.assign(new Error('no'), { code: 'ECONNREFUSED' }),
          });
      }
      return ledger;
    };

    it('passes when every acknowledged write is applied once and unknown ones either way', () => {
      ledgerOf({ a: 'ok', b: 'unknown', c: 'unknown', d: 'fail' }).checkApplied(['a', 'b']);
    });

    it('fails on a lost acknowledged write, a double write, and an applied failure', () => {
      const ledger = ledgerOf({ a: 'ok', b: 'ok', c: 'fail' });
      expect(() => {
        ledger.checkApplied(['a']);
      }).to.throw(/lost: b/);
      expect(() => {
        ledger.checkApplied(['a', 'b', 'b']);
      }).to.throw(/twice: b/);
      expect(() => {
        ledger.checkApplied(['a', 'b', 'c']);
      }).to.throw(/failed were applied: c/);
    });

    it('bounds a counter between acknowledged and acknowledged + unknown', () => {
      const ledger = ledgerOf({ a: 'ok', b: 'ok', c: 'unknown' });
      ledger.checkCounter(2);
      ledger.checkCounter(3);
      expect(() => {
        ledger.checkCounter(1);
      }).to.throw(/lost/);
      expect(() => {
        ledger.checkCounter(4);
      }).to.throw(/twice/);
      expect(ledger.summary()).to.equal(
        '2 ok, 1 OutcomeUnknownError, 0 failed (ERR_HOLDFAST_OUTCOME_UNKNOWN x1)',
      );
    });
  });

  describe('runLoad', () => {
    it('issues writes until stopped and settles every one in the ledger', async () => {
      let n = 0;
      const load = runLoad({
        concurrency: 3,
        pauseMs: 1,
        write: async () => {
          n++;
          if (n % 4 === 0) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
        },
      });
      const first = await load.firstSuccessAfter(performance.now());
      expect(first).to.be.a('number');
      const ledger = await load.stop();
      expect(ledger.count('acknowledged') + ledger.count('failed')).to.equal(load.issued());
      expect(ledger.errorCodes.get('ECONNREFUSED')).to.be.at.least(1);
    });
  });

  describe('assertNoSecret', () => {
    it('finds the password in log lines and in the cause chain of an error', () => {
      const logger = capturingLogger();
      logger.info('connecting', { url: 'mysql://app:hunter2-secret@db/x' });
      expect(() => {
        assertNoSecret('hunter2-secret', logger.lines, 'logs');
      }).to.throw(/logs/);
      const error = new Error('outer', { cause: new Error('inner hunter2-secret') });
      expect(() => {
        assertNoSecret('hunter2-secret', [errorText(error)]);
      }).to.throw();
      assertNoSecret('hunter2-secret', ['connecting to mysql://app:***@db/x']);
    });
  });

  describe('watchUnhandledRejections', () => {
    it('reports a rejection nobody handled', async () => {
      // The global guard of spec/helpers/setup.ts would fail the run: set it aside meanwhile.
      const others = process.listeners('unhandledRejection');
      for (const listener of others) process.off('unhandledRejection', listener);
      const watch = watchUnhandledRejections();
      try {
        void Promise.reject(new Error('nobody listens'));
        await new Promise((resolve) => setTimeout(resolve, 10));
      } finally {
        for (const listener of others) process.on('unhandledRejection', listener);
      }
      expect(() => {
        watch.assertNone();
      }).to.throw(/1 unhandled/);
    });
  });

  describe('assertHandlesReleased', () => {
    it('fails while a socket is open and passes once it is closed', async () => {
      // Taken synchronously at the start of the test, before mocha arms the test's timer.
      const before = resourceSnapshot();
      const server = createServer((s) => s.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const socket: Socket = connect({ host: '127.0.0.1', port });
      await new Promise((resolve) => socket.once('connect', resolve));
      const error = await assertHandlesReleased(before, 50).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      socket.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await assertHandlesReleased(before);
    });
  });

  describe('resourceSnapshot', () => {
    it('counts the test timer the same before and after the first await', async () => {
      const early = resourceSnapshot();
      await new Promise((resolve) => setImmediate(resolve));
      expect(resourceSnapshot()).to.deep.equal(early);
    });
  });

  describe('recordScenario', () => {
    it('stores one record per target and scenario, replacing an earlier one', () => {
      const dir = mkdtempSync(join(tmpdir(), 'holdfast-records-'));
      const saved = process.env.HOLDFAST_CHAOS_RESULTS;
      process.env.HOLDFAST_CHAOS_RESULTS = join(dir, 'results.json');
      try {
        const base = {
          target: 'redis',
          scenario: 'kill -9',
          injected: 'SIGKILL',
          recoveryMs: 10,
          invariants: ['x'],
        } as const;
        recordScenario({ ...base, callersSaw: 'first' });
        recordScenario({ ...base, callersSaw: 'second' });
        recordScenario({ ...base, target: 'mysql', callersSaw: 'other' });
        const records = readScenarioRecords();
        expect(records.map((r) => [r.target, r.callersSaw])).to.deep.equal([
          ['redis', 'second'],
          ['mysql', 'other'],
        ]);
      } finally {
        if (saved === undefined) delete process.env.HOLDFAST_CHAOS_RESULTS;
        else process.env.HOLDFAST_CHAOS_RESULTS = saved;
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
