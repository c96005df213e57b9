import { expect } from 'chai';
import sinon from 'sinon';
import { isHoldfastError } from '../../src/errors/HoldfastError.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import type { DatabasePool } from '../../src/mysql2/DatabasePool.js';
import type { TransactionConnection } from '../../src/mysql2/TransactionConnection.js';
import { codeError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';
import { seqRandom } from '../helpers/seqRandom.js';
import { type FakeConnection, FakeServer, fakeDatabasePool } from './fakeDriver.js';

const debit = 'UPDATE accounts SET balance = balance - 10 WHERE id = 1';
const credit = 'UPDATE accounts SET balance = balance + 10 WHERE id = 2';
const deadlock = (): Error => codeError('ER_LOCK_DEADLOCK', 1213, 'Deadlock found');
const lockWait = (): Error => codeError('ER_LOCK_WAIT_TIMEOUT', 1205, 'Lock wait timeout');

describe('runTransaction (pool.transaction)', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  let pool: DatabasePool;
  let runs: number[];

  beforeEach(async () => {
    clock = sinon.useFakeTimers();
    server = new FakeServer();
    pool = fakeDatabasePool(server, {
      retry: { maxRetries: 3, baseDelayMs: 1000 },
      random: seqRandom([0.5]),
    });
    await pool.ready();
    runs = [];
  });

  afterEach(async () => {
    const closing = pool.close({ timeoutMs: 0 });
    await clock.runAllAsync();
    await closing;
    clock.restore();
  });

  const transfer = async (
    tx: TransactionConnection,
    { attempt }: { attempt: number },
  ): Promise<string> => {
    runs.push(attempt);
    await tx.execute(debit);
    await tx.execute(credit);
    return 'done';
  };

  /** The first `times` runs of `sql` fail with `error()`. */
  function failFirst(sql: string, error: () => Error | 'hang', times = 1): void {
    let failures = 0;
    server.reply = (text) => {
      if (text !== sql || failures >= times) return { result: [] };
      failures += 1;
      const e = error();
      return e === 'hang' ? 'hang' : { error: e };
    };
  }

  it('runs BEGIN, the function and COMMIT on one connection and returns its result', async () => {
    expect(await pool.transaction(transfer)).to.equal('done');
    expect(server.statements.slice(1)).to.deep.equal([
      'START TRANSACTION',
      debit,
      credit,
      'COMMIT',
    ]);
    expect(pool.metrics()).to.include({ used: 0, transactionRetries: 0 });
  });

  for (const [name, error] of [
    ['a deadlock (1213)', deadlock],
    ['a lock wait timeout (1205)', lockWait],
  ] as const) {
    it(`rolls back and reruns the whole function after ${name}`, async () => {
      failFirst(credit, error);
      const call = settled(pool.transaction(transfer));
      await clock.tickAsync(20);
      expect(call.value).to.equal('done');
      expect(runs).to.deep.equal([1, 2]);
      expect(server.statements.slice(1)).to.deep.equal([
        'START TRANSACTION',
        debit,
        credit,
        'ROLLBACK',
        'START TRANSACTION',
        debit,
        credit,
        'COMMIT',
      ]);
      expect(pool.metrics().transactionRetries).to.equal(1);
    });
  }

  it('reruns after the connection is lost before COMMIT was sent', async () => {
    failFirst(credit, () => 'hang');
    const call = settled(pool.transaction(transfer));
    await clock.tickAsync(0);
    server.connections.find((c) => c.pending !== undefined)?.kill();
    await clock.tickAsync(0);
    expect(call.value).to.equal('done');
    expect(runs).to.deep.equal([1, 2]);
    expect(server.statements.filter((s) => s === 'COMMIT')).to.have.length(1);
  });

  it('gives OutcomeUnknownError when the connection is lost while COMMIT is in flight, and does not rerun', async () => {
    failFirst('COMMIT', () => 'hang');
    const call = settled(pool.transaction(transfer));
    await clock.tickAsync(0);
    const committing = server.connections.find((c) => c.pending !== undefined) as FakeConnection;
    committing.kill();
    await clock.tickAsync(0);
    expect(call.error).to.be.instanceOf(OutcomeUnknownError);
    expect(call.error).to.include({ operation: 'COMMIT' });
    expect((call.error as OutcomeUnknownError).cause).to.include({
      code: 'PROTOCOL_CONNECTION_LOST',
    });
    expect(runs).to.deep.equal([1]);
  });

  it('rolls back and rethrows what the function throws, without rerunning', async () => {
    const failure = new Error('insufficient funds');
    const call = settled(
      pool.transaction(async (tx) => {
        runs.push(1);
        await tx.execute(debit);
        throw failure;
      }),
    );
    await clock.tickAsync(0);
    expect(call.error).to.equal(failure);
    expect(server.statements.at(-1)).to.equal('ROLLBACK');
    expect(runs).to.deep.equal([1]);
    expect(pool.metrics()).to.include({ used: 0, size: 1 });
  });

  it('reruns when the function swallowed a deadlock (the server had rolled everything back)', async () => {
    failFirst(debit, deadlock);
    const call = settled(
      pool.transaction(async (tx, { attempt }) => {
        runs.push(attempt);
        await tx.execute(debit).catch(() => undefined);
        await tx.execute(credit);
      }),
    );
    await clock.tickAsync(20);
    expect(call.state).to.equal('resolved');
    expect(runs).to.deep.equal([1, 2]);
    expect(server.statements.filter((s) => s === 'COMMIT')).to.have.length(1);
  });

  it('gives RetriesExhaustedError with the last error after maxRetries reruns', async () => {
    failFirst(credit, deadlock, 10);
    const call = settled(pool.transaction(transfer, { maxRetries: 1 }));
    await clock.tickAsync(50);
    expect(call.error).to.be.instanceOf(RetriesExhaustedError);
    expect(call.error).to.include({ attempts: 2 });
    expect((call.error as Error).cause).to.include({ errno: 1213 });
    expect(runs).to.deep.equal([1, 2]);
  });

  it('refuses statements after the function returned', async () => {
    let kept: TransactionConnection | undefined;
    await pool.transaction(async (tx) => {
      kept = tx;
    });
    const late = settled(kept!.query('SELECT 1'));
    await clock.tickAsync(0);
    expect(isHoldfastError(late.error) && late.error.code).to.equal('ERR_HOLDFAST_CLOSED');
  });
});
