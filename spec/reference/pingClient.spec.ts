import { expect } from 'chai';
import { pingClient } from '../../src/reference/pingClient.js';

describe('pingClient', () => {
  it("calls the client's ping() with the client as this", async () => {
    const client = {
      name: 'c',
      ping(this: { name: string }) {
        return Promise.resolve(`PONG from ${this.name}`);
      },
    };
    expect(await pingClient(client)).to.equal('PONG from c');
  });

  it('rejects with a TypeError when there is no ping()', async () => {
    for (const client of [undefined, {}, { ping: 'PONG' }]) {
      expect(await pingClient(client).catch((e: unknown) => e)).to.be.instanceOf(TypeError);
    }
  });
});
