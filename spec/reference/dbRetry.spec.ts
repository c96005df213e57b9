import { expect } from 'chai';
import sinon from 'sinon';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import { dbRetry } from '../../src/reference/dbRetry.js';
import { codeError } from '../helpers/fakeErrors.js';
import { settled } from '../helpers/settled.js';

class Users {
  calls = 0;
  constructor(private readonly failures: number) {}

  @dbRetry({ maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 })
  async fetch(id: string): Promise<string> {
    this.calls += 1;
    if (this.calls <= this.failures) throw codeError('ECONNRESET');
    return Promise.resolve(`user ${id}`);
  }
}

describe('dbRetry', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('retries the decorated method with its instance and arguments (TC39 decorator)', async () => {
    const users = new Users(2);
    const result = settled(users.fetch('7'));
    await clock.tickAsync(150 + 300);
    expect(result.value).to.equal('user 7');
    expect(users.calls).to.equal(3);
  });

  it('gives up after maxRetries, naming Class.method in the error', async () => {
    const users = new Users(10);
    const result = settled(users.fetch('7'));
    await clock.tickAsync(2000);
    expect(result.error).to.be.instanceOf(RetriesExhaustedError).with.property('attempts', 3);
    expect((result.error as Error).message).to.include('Users.fetch');
  });

  it('validates its options when the class is defined', () => {
    expect(() => dbRetry({ baseDelayMs: -5 }))
      .to.throw()
      .with.property('option', 'baseDelayMs');
  });
});
