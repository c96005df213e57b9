import { expect } from 'chai';
import { disposeClient } from '../../src/reference/disposeClient.js';

describe('disposeClient', () => {
  it('calls the first of destroy, disconnect, end, close that the object has', async () => {
    const calls: string[] = [];
    const record = (name: string) => () => {
      calls.push(name);
    };
    await disposeClient({ end: record('end'), destroy: record('destroy') });
    await disposeClient({ close: record('close'), disconnect: record('disconnect') });
    await disposeClient({ close: record('close') });
    expect(calls).to.deep.equal(['destroy', 'disconnect', 'close']);
  });

  it('ignores values without any of them', async () => {
    await disposeClient(undefined);
    await disposeClient(42);
    await disposeClient({});
  });
});
